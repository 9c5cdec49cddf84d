using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Memory.Analyzers.Rules.Lifetime;

/// <summary>What a call does to a block passed to it.</summary>
internal enum Release
{
    /// <summary>Nothing: the callee only uses the block.</summary>
    None,

    /// <summary>Frees it: <c>Free</c>, <c>DeAllocate</c>, <c>Destroy</c>.</summary>
    Free,

    /// <summary>Disposes a native container.</summary>
    Dispose,

    /// <summary>Resizes it: the argument is consumed and the result is the block from then on.</summary>
    Reallocate,

    /// <summary>Takes ownership: from then on the callee frees it.</summary>
    Ownership,
}

/// <summary>
/// The calls that create and free native blocks: the runtime's (<c>Az</c>, <c>IAllocator</c>, <c>NativeObjects</c>,
/// generated <c>Create</c>/<c>Destroy</c> of unmanaged structs, the native containers) and the platform's or a
/// library's, named in options.
/// </summary>
internal sealed class LifetimeApis
{
    /// <summary>The platform allocation methods analysed unless the options say otherwise; reallocations are in both lists.</summary>
    public static readonly ImmutableHashSet<string> DefaultAllocationMethods = ImmutableHashSet.Create(StringComparer.Ordinal,
        "System.Runtime.InteropServices.NativeMemory.Alloc",
        "System.Runtime.InteropServices.NativeMemory.AllocZeroed",
        "System.Runtime.InteropServices.NativeMemory.AlignedAlloc",
        "System.Runtime.InteropServices.NativeMemory.Realloc",
        "System.Runtime.InteropServices.NativeMemory.AlignedRealloc",
        "System.Runtime.InteropServices.Marshal.AllocHGlobal",
        "System.Runtime.InteropServices.Marshal.AllocCoTaskMem",
        "System.Runtime.InteropServices.Marshal.ReAllocHGlobal",
        "System.Runtime.InteropServices.Marshal.ReAllocCoTaskMem",
        "System.Runtime.InteropServices.Marshal.StringToHGlobalAnsi",
        "System.Runtime.InteropServices.Marshal.StringToHGlobalAuto",
        "System.Runtime.InteropServices.Marshal.StringToHGlobalUni",
        "System.Runtime.InteropServices.Marshal.StringToCoTaskMemAnsi",
        "System.Runtime.InteropServices.Marshal.StringToCoTaskMemAuto",
        "System.Runtime.InteropServices.Marshal.StringToCoTaskMemUni",
        "System.Runtime.InteropServices.Marshal.StringToCoTaskMemUTF8");

    /// <summary>The platform free methods analysed unless the options say otherwise.</summary>
    public static readonly ImmutableHashSet<string> DefaultFreeMethods = ImmutableHashSet.Create(StringComparer.Ordinal,
        "System.Runtime.InteropServices.NativeMemory.Free",
        "System.Runtime.InteropServices.NativeMemory.AlignedFree",
        "System.Runtime.InteropServices.NativeMemory.Realloc",
        "System.Runtime.InteropServices.NativeMemory.AlignedRealloc",
        "System.Runtime.InteropServices.Marshal.FreeHGlobal",
        "System.Runtime.InteropServices.Marshal.FreeCoTaskMem",
        "System.Runtime.InteropServices.Marshal.ReAllocHGlobal",
        "System.Runtime.InteropServices.Marshal.ReAllocCoTaskMem");

    private static readonly ImmutableHashSet<string> RuntimeCreationNames =
        ImmutableHashSet.Create(StringComparer.Ordinal, "Malloc", "Calloc", "Realloc", "Allocate", "ReAllocate", "Create");

    private readonly MemorySymbols _symbols;
    private readonly INamedTypeSymbol? _allocatorInterface;
    private readonly INamedTypeSymbol? _nativeRef;
    private readonly INamedTypeSymbol? _nativeObjects;
    private readonly INamedTypeSymbol? _enumerable;
    private readonly ImmutableHashSet<string> _allocationMethods;
    private readonly ImmutableHashSet<string> _freeMethods;
    private readonly ImmutableHashSet<string> _ownershipMethods;
    private readonly HashSet<string> _creationNames;

    public LifetimeApis(MemorySymbols symbols, ImmutableHashSet<string> allocationMethods, ImmutableHashSet<string> freeMethods,
        ImmutableHashSet<string> ownershipMethods)
    {
        _symbols = symbols;
        var compilation = symbols.Compilation;
        _allocatorInterface = compilation.GetTypeByMetadataName("Memory.IAllocator");
        _nativeRef = compilation.GetTypeByMetadataName("Memory.Objects.NativeRef`1");
        _nativeObjects = compilation.GetTypeByMetadataName("Memory.Objects.NativeObjects");
        _enumerable = compilation.GetSpecialType(SpecialType.System_Collections_IEnumerable);
        _allocationMethods = allocationMethods;
        _freeMethods = freeMethods;
        _ownershipMethods = ownershipMethods;
        _creationNames = new HashSet<string>(RuntimeCreationNames, StringComparer.Ordinal);
        foreach (string name in allocationMethods)
            _creationNames.Add(name.Substring(name.LastIndexOf('.') + 1));
    }

    /// <summary>Whether a method of this name may create a block: the cheap test made before any binding.</summary>
    public bool MayCreate(string methodName) => _creationNames.Contains(methodName);

    /// <summary>Whether <paramref name="operation"/> hands out a block the caller must free.</summary>
    public bool IsCreation(IOperation operation) => operation switch
    {
        IInvocationOperation invocation => IsCreationMethod(invocation.TargetMethod),
        IObjectCreationOperation creation => IsNativeContainer(creation.Type),
        _ => false,
    };

    private bool IsCreationMethod(IMethodSymbol method)
    {
        // The name first: most calls are answered without looking at a symbol.
        if (!_creationNames.Contains(method.Name))
            return false;
        switch (method.Name)
        {
            case "Malloc" or "Calloc" or "Realloc" when Is(method.ContainingType, _symbols.Az):
                return true;
            case "Allocate" when Is(method.ContainingType, _nativeObjects):
                return true;
            case "Allocate" or "ReAllocate" when IsAllocatorMember(method):
                return true;
            case "Create" when method.IsStatic && IsNativeRef(method.ReturnType) && _symbols.ClassAllocatorOf(method.ContainingType) is not null:
                return true;
        }
        return _allocationMethods.Contains(FullName(method));
    }

    /// <summary>What <paramref name="invocation"/> does to the block passed as <paramref name="argument"/>.</summary>
    public Release ReleaseOf(IInvocationOperation invocation, IArgumentOperation argument)
    {
        var method = invocation.TargetMethod;
        int ordinal = argument.Parameter?.Ordinal ?? -1;
        switch (method.Name)
        {
            case "Free" when ordinal == 0 && Is(method.ContainingType, _symbols.Az):
                return Release.Free;
            case "Realloc" when ordinal == 0 && Is(method.ContainingType, _symbols.Az):
                return Release.Reallocate;
            case "DeAllocate" when ordinal == 0 && IsAllocatorMember(method):
                return Release.Free;
            case "ReAllocate" when ordinal == 0 && IsAllocatorMember(method):
                return Release.Reallocate;
            case "Free" or "DisposeAndFree" when ordinal == 1 && Is(method.ContainingType, _nativeObjects):
                return Release.Free;
            case "Destroy" when method.IsStatic && IsNativeRef(argument.Parameter?.Type) && _symbols.ClassAllocatorOf(method.ContainingType) is not null:
                return Release.Free;
        }
        if (ordinal == 0 && !_freeMethods.IsEmpty && _freeMethods.Contains(FullName(method)))
            return _allocationMethods.Contains(FullName(method)) ? Release.Reallocate : Release.Free;
        if (argument.Parameter is { } parameter && TakesOwnership(parameter))
            return Release.Ownership;
        if (!_ownershipMethods.IsEmpty && (_ownershipMethods.Contains(method.Name) || _ownershipMethods.Contains(FullName(method))))
            return Release.Ownership;
        return Release.None;
    }

    /// <summary>Whether a call on <paramref name="receiver"/> stores its arguments: a collection's <c>Add</c> and the like.</summary>
    public bool IsCollection(ITypeSymbol? receiver)
        => receiver is not null && _enumerable is not null && receiver.SpecialType != SpecialType.System_String
            && (Is(receiver, _enumerable) || receiver.AllInterfaces.Contains(_enumerable, SymbolEqualityComparer.Default));

    /// <summary>The runtime's native containers: disposable classes of <c>Memory.Containers</c>.</summary>
    public static bool IsNativeContainer(ITypeSymbol? type)
        => type is INamedTypeSymbol { TypeKind: TypeKind.Class, ContainingNamespace: { Name: "Containers", ContainingNamespace: { Name: "Memory", ContainingNamespace.IsGlobalNamespace: true } } } named
            && named.AllInterfaces.Any(static i => i.SpecialType == SpecialType.System_IDisposable);

    /// <summary>Whether <paramref name="type"/> is an allocator: <c>IAllocator</c> or a class deriving from <c>AllocatorBase</c>.</summary>
    public bool IsAllocatorType(ITypeSymbol? type)
        => type is not null && (Is(type, _allocatorInterface) || Is(type, _symbols.AllocatorBase) || _symbols.IsAllocator(type)
            || (_allocatorInterface is not null && type.AllInterfaces.Contains(_allocatorInterface, SymbolEqualityComparer.Default)));

    public bool IsNativeRef(ITypeSymbol? type) => type is INamedTypeSymbol named && Is(named.OriginalDefinition, _nativeRef);

    /// <summary><c>Namespace.Type.Method</c>, with metadata names for nested and generic types.</summary>
    public static string FullName(IMethodSymbol method) => RuleOptions.MetadataName(method.ContainingType) + "." + method.Name;

    private static bool TakesOwnership(IParameterSymbol parameter)
    {
        foreach (var attribute in parameter.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "TakesOwnershipAttribute")
                return true;
        }
        return false;
    }

    private bool IsAllocatorMember(IMethodSymbol method)
        => Is(method.ContainingType, _allocatorInterface) || Is(method.ContainingType, _symbols.AllocatorBase) || _symbols.IsAllocator(method.ContainingType);

    private static bool Is(ITypeSymbol? type, ITypeSymbol? expected)
        => expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);
}
