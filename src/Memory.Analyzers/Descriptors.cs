using Microsoft.CodeAnalysis;

namespace Memory.Analyzers;

/// <summary>
/// The catalogue of rules: every diagnostic the analyzers report, with its ID, default severity and help page.
/// Release tracking (<c>AnalyzerReleases.*.md</c>) mirrors this file.
/// </summary>
public static class Descriptors
{
    /// <summary>Where the rule pages live: <c>docs/rules/MEMxxxx.md</c> in the repository and in the package; help links are absolute (<see cref="Infrastructure.RulePages"/>).</summary>
    public const string HelpLinkBase = "docs/rules/";

    private const string Allocation = "Memory.Allocation";
    private const string StaticInitialization = "Memory.StaticInitialization";
    private const string AllocatorHygiene = "Memory.AllocatorHygiene";
    private const string Generator = "Memory.Generator";

    /// <summary>MEM0001: <c>new</c> of a type that names its allocator with <c>[ClassAllocator]</c>.</summary>
    public static readonly DiagnosticDescriptor RawNew = Create(
        "MEM0001", Allocation, DiagnosticSeverity.Warning,
        "Create allocator-managed types through their factory",
        "'{0}' names its allocator with [ClassAllocator]; create it with '{0}.Create(...)' instead of 'new'",
        "A type with [ClassAllocator] must be created through its generated Create(...) so that its allocator tracks the instance and the call site.");

    /// <summary>MEM0002: a direct call to the platform allocator.</summary>
    public static readonly DiagnosticDescriptor RawNativeAllocation = Create(
        "MEM0002", Allocation, DiagnosticSeverity.Warning,
        "Allocate native memory through an allocator",
        "'{0}' {1} native memory outside the memory system; {2}",
        "Native memory taken straight from the C heap is invisible to tracking, leak reports and budgets. Allocate with Az.MallocOrThrow/CallocOrThrow (they throw OutOfMemoryException like NativeMemory and Marshal) on an allocator type, and resize and free a block on the allocator it came from: a block from Marshal.StringToHGlobal* or native code stays with Marshal.FreeHGlobal.");

    /// <summary>MEM0003: a static initialiser that allocates.</summary>
    public static readonly DiagnosticDescriptor StaticAllocation = Create(
        "MEM0003", StaticInitialization, DiagnosticSeverity.Warning,
        "Do not allocate during static initialisation",
        "Static initialisation of '{0}' allocates ({1}); create it on first use instead",
        "Type initialisers run at a time the code does not choose, cannot be retried when they fail and allocate even when the feature is never used. Create the value on first use (the fix: a property over LazyInitializer.EnsureInitialized). Not reported: arrays of constants (lookup tables, as CA1861 asks), Lazy<T> and ThreadLocal<T> (they already create on first use), struct values, lock objects.");

    /// <summary>MEM0004: a static initialiser that connects to an event bus.</summary>
    public static readonly DiagnosticDescriptor StaticBusConnection = Create(
        "MEM0004", StaticInitialization, DiagnosticSeverity.Warning,
        "Do not connect to an event bus during static initialisation",
        "Static initialisation of '{0}' connects to an event bus ({1}); connect in an explicit activation step",
        "A handler connected from a type initialiser is connected at a time nobody chose and is never disconnected. Connect and disconnect in explicit activation and deactivation steps.");

    /// <summary>MEM0005: an allocator without type information.</summary>
    public static readonly DiagnosticDescriptor AllocatorWithoutTypeId = Create(
        "MEM0005", AllocatorHygiene, DiagnosticSeverity.Warning,
        "Give allocators a [TypeId]",
        "Allocator '{0}' has no [TypeId], so AllocatorInstance<{0}> cannot manage it",
        "AllocatorInstance<T> finds and shares an allocator through its type information. Add [TypeId(\"{GUID}\")] to a partial allocator class.");

    /// <summary>MEM0006: a user allocator inheriting <c>SystemAllocator</c>.</summary>
    public static readonly DiagnosticDescriptor InheritsSystemAllocator = Create(
        "MEM0006", AllocatorHygiene, DiagnosticSeverity.Warning,
        "Derive user allocators from ChildAllocator<SystemAllocator>",
        "Allocator '{0}' inherits SystemAllocator; derive from ChildAllocator<SystemAllocator> instead",
        "Inheriting SystemAllocator creates a second system heap with its own pages. A child allocator draws from the one system allocator and still reports its own figures.");

    /// <summary>MEM0007: memory returned to an allocator other than the one it came from.</summary>
    public static readonly DiagnosticDescriptor AllocatorMismatch = Create(
        "MEM0007", AllocatorHygiene, DiagnosticSeverity.Warning,
        "Return memory to the allocator it came from",
        "'{0}' was allocated from '{1}' but is returned to '{2}'",
        "Freeing a block through another allocator corrupts both allocators' bookkeeping.");

    /// <summary>MEM0010: a generator input type that is not partial.</summary>
    public static readonly DiagnosticDescriptor TypeNotPartial = Create(
        "MEM0010", Generator, DiagnosticSeverity.Warning,
        "Types with [ClassAllocator] or [TypeId] must be partial",
        "'{0}' has [{1}] but is not partial, so nothing can be generated for it",
        "The generator adds members to the type; it can only do so for a partial type.");

    /// <summary>MEM0011: a containing type of a generator input type that is not partial.</summary>
    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
        "MEM0011", Generator, DiagnosticSeverity.Warning,
        "Types containing a [ClassAllocator] or [TypeId] type must be partial",
        "'{0}' is nested in '{1}', which is not partial, so nothing can be generated for it",
        "Generated members of a nested type are declared inside its containing types, which must therefore be partial too.");

    /// <summary>MEM0012: a generator input type that cannot have instances.</summary>
    public static readonly DiagnosticDescriptor StaticOrAbstractType = Create(
        "MEM0012", Generator, DiagnosticSeverity.Warning,
        "[ClassAllocator] and [TypeId] need a type that can have instances",
        "'{0}' is {1} and cannot carry [{2}]",
        "Create/Destroy need instances, static classes cannot implement the type-information interface, and an abstract allocator cannot be created by AllocatorInstance<T>.");

    /// <summary>MEM0013: a ref struct with <c>[ClassAllocator]</c>.</summary>
    public static readonly DiagnosticDescriptor RefStruct = Create(
        "MEM0013", Generator, DiagnosticSeverity.Warning,
        "A ref struct cannot come from an allocator",
        "'{0}' is a ref struct and cannot live in allocator memory",
        "A ref struct lives only on the stack; it cannot be placed in native memory or tracked.");

    /// <summary>MEM0014: a managed struct with a native allocator.</summary>
    public static readonly DiagnosticDescriptor ManagedStruct = Create(
        "MEM0014", Generator, DiagnosticSeverity.Warning,
        "A struct in native memory must be unmanaged",
        "'{0}' holds managed references ({1}) and cannot live in native memory from '{2}'",
        "The garbage collector does not scan native memory: a struct placed there must not contain references.");

    /// <summary>MEM0015: no constructor the generated factory can call.</summary>
    public static readonly DiagnosticDescriptor NoAccessibleConstructor = Create(
        "MEM0015", Generator, DiagnosticSeverity.Warning,
        "[ClassAllocator] needs a public or internal constructor",
        "'{0}' has no public or internal constructor, so no Create(...) can be generated",
        "The generator emits one Create(...) per public or internal constructor.");

    /// <summary>MEM0016: <c>[ClassAllocator(typeof(X))]</c> where X is not an allocator.</summary>
    public static readonly DiagnosticDescriptor NotAnAllocator = Create(
        "MEM0016", Generator, DiagnosticSeverity.Warning,
        "[ClassAllocator] must name an allocator",
        "'{0}' is not an allocator: {1}",
        "The type named by [ClassAllocator] must be a non-abstract AllocatorBase with type information ([TypeId] or IAllocatorType<T>).");

    /// <summary>MEM0017: a <c>[TypeId]</c> that is not a GUID.</summary>
    public static readonly DiagnosticDescriptor MalformedTypeId = Create(
        "MEM0017", Generator, DiagnosticSeverity.Warning,
        "[TypeId] must be a GUID",
        "'{0}' is not a GUID in the form \"{{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}}\"",
        "Type identifiers are GUIDs in registry form, with or without braces.");

    /// <summary>MEM0018: two types with the same <c>[TypeId]</c>.</summary>
    public static readonly DiagnosticDescriptor DuplicateTypeId = Create(
        "MEM0018", Generator, DiagnosticSeverity.Warning,
        "[TypeId] must be unique",
        "'{0}' has the same type identifier {1} as '{2}'",
        "Type identifiers key shared instances and serialised data; two types with one identifier are confused with each other.",
        WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>MEM0019: a generated <c>Create</c> that records no call site.</summary>
    public static readonly DiagnosticDescriptor NoCallSite = Create(
        "MEM0019", Generator, DiagnosticSeverity.Info,
        "A generated Create records no call site",
        "'{0}.Create({1})' records no call site: {2}",
        "Where appending the call-site parameters to a Create would change which constructor a call picks (optional or params parameters that compete), the Create repeats its constructor's parameters exactly, and tracking records the type but not the file and line.");

    /// <summary>MEM0020: a member the user declares under a name the generator uses.</summary>
    public static readonly DiagnosticDescriptor GeneratedMemberConflict = Create(
        "MEM0020", Generator, DiagnosticSeverity.Warning,
        "A declared member takes the place of a generated one",
        "'{0}' already declares {1}; {2}",
        "The generator never emits a member that would clash with one the type declares: it leaves that member out, or, when the type information cannot be implemented around it, everything for the type.");

    /// <summary>MEM0021: a <c>[ClassAllocator]</c> type whose required members leave no constructor for <c>Create</c>.</summary>
    public static readonly DiagnosticDescriptor RequiredMembersWithoutConstructor = Create(
        "MEM0021", Generator, DiagnosticSeverity.Warning,
        "[ClassAllocator] needs a constructor that sets the required members",
        "'{0}' has required members ({1}) and no public or internal constructor with [SetsRequiredMembers], so no Create(...) can be generated; add [SetsRequiredMembers] to a constructor that sets them",
        "Create(...) cannot take an object initializer, so it only mirrors constructors that set every required member, which [SetsRequiredMembers] declares.");

    /// <summary>MEM0022: <c>[ClassAllocator(typeof(X))]</c> where X cannot be created without arguments.</summary>
    public static readonly DiagnosticDescriptor AllocatorNotCreatable = Create(
        "MEM0022", Generator, DiagnosticSeverity.Warning,
        "The allocator named by [ClassAllocator] must be creatable without arguments",
        "'{0}' has no constructor callable without arguments and no static CreateAllocator(), so its shared instance cannot be created and nothing is generated for '{1}'; add a parameterless constructor (any accessibility) or declare 'public static {0} CreateAllocator()'",
        "The shared instance of an allocator is created on first use, with no arguments to give. The [TypeId] glue calls a constructor callable without arguments, or a CreateAllocator() the allocator declares.");

    /// <summary>MEM0023: a file-local type with <c>[ClassAllocator]</c> or <c>[TypeId]</c>.</summary>
    public static readonly DiagnosticDescriptor FileLocalType = Create(
        "MEM0023", Generator, DiagnosticSeverity.Warning,
        "[ClassAllocator] and [TypeId] types cannot be file-local",
        "'{0}' is {1}, so generated members cannot be added to it and nothing is generated for [{2}]; declare it 'internal' instead of 'file'",
        "Every part of a file-local type must be in its one file, and generated members live in a file of their own.");

    /// <summary>MEM0024: an allocator from a referenced assembly that exposes no way to its shared instance.</summary>
    public static readonly DiagnosticDescriptor AllocatorWithoutSharedInstance = Create(
        "MEM0024", Generator, DiagnosticSeverity.Warning,
        "The allocator named by [ClassAllocator] must expose its shared instance",
        "'{0}' from '{1}' implements no IAllocatorType<{0}> and has no public static Instance, so nothing is generated for '{2}'; compile '{1}' at C# 11 or later, or give '{0}' a public static Instance",
        "Generated code reaches an allocator of another assembly through AllocatorInstance<T>, which needs IAllocatorType<T>, or through the static Instance that [TypeId] generates for an allocator compiled at C# 10.");

    /// <summary>MEM0030: a native block created in a method and, on some path out of it, neither freed nor handed on.</summary>
    public static readonly DiagnosticDescriptor NativeLeak = Create(
        "MEM0030", "Memory.Lifetime", DiagnosticSeverity.Warning,
        "Free every native block a method creates",
        "'{0}' is neither freed nor handed on when the method {1}",
        "A block, NativeRef<T> or native container obtained in a method must, on every path out of it, be freed (Free, DeAllocate, Destroy, Dispose), returned, stored, or passed to a parameter that takes ownership. Otherwise nothing frees it and the allocator reports it as a leak at teardown.");

    /// <summary>MEM0031: a native block freed twice, or used after it was freed, on one path.</summary>
    public static readonly DiagnosticDescriptor NativeUseAfterFree = Create(
        "MEM0031", "Memory.Lifetime", DiagnosticSeverity.Warning,
        "Do not free a native block twice or use it after freeing it",
        "'{0}' {1} after it was freed at line {2}",
        "After Free, DeAllocate, Destroy or Dispose the memory belongs to the allocator again: freeing it a second time corrupts the allocator, and reading or writing it touches memory that may already hold another block.");

    private static DiagnosticDescriptor Create(string id, string category, DiagnosticSeverity severity,
        string title, string message, string description, params string[] customTags)
        => new(id, title, message, category, severity, isEnabledByDefault: true, description,
            helpLinkUri: Infrastructure.RulePages.Link(id), customTags);
}
