using System.Collections.Immutable;

namespace Memory.Analyzers.Rules;

/// <summary>The platform allocation APIs MEM0002 reports, each with what it does and the family its blocks belong to.</summary>
internal static class NativeAllocationApis
{
    public const string NativeMemoryType = "System.Runtime.InteropServices.NativeMemory";
    public const string MarshalType = "System.Runtime.InteropServices.Marshal";

    /// <summary>What a raw call does, which decides the <c>Az</c> call that replaces it.</summary>
    public enum Kind
    {
        Malloc,
        Calloc,
        Realloc,
        Free,

        /// <summary>Copies a string into a new block (<c>Marshal.StringToHGlobal*</c>, <c>StringToCoTaskMem*</c>): no <c>Az</c> counterpart.</summary>
        StringCopy,
    }

    /// <summary>Which free a block's allocation calls for: a block may only be freed within its family.</summary>
    public enum Family
    {
        NativeMemory,
        AlignedNativeMemory,
        HGlobal,
        CoTaskMem,
    }

    public static readonly ImmutableDictionary<string, (Kind Kind, Family Family)> NativeMemoryMethods = new Dictionary<string, (Kind, Family)>
    {
        ["Alloc"] = (Kind.Malloc, Family.NativeMemory),
        ["AllocZeroed"] = (Kind.Calloc, Family.NativeMemory),
        ["Realloc"] = (Kind.Realloc, Family.NativeMemory),
        ["Free"] = (Kind.Free, Family.NativeMemory),
        ["AlignedAlloc"] = (Kind.Malloc, Family.AlignedNativeMemory),
        ["AlignedRealloc"] = (Kind.Realloc, Family.AlignedNativeMemory),
        ["AlignedFree"] = (Kind.Free, Family.AlignedNativeMemory),
    }.ToImmutableDictionary(StringComparer.Ordinal);

    public static readonly ImmutableDictionary<string, (Kind Kind, Family Family)> MarshalMethods = new Dictionary<string, (Kind, Family)>
    {
        ["AllocHGlobal"] = (Kind.Malloc, Family.HGlobal),
        ["ReAllocHGlobal"] = (Kind.Realloc, Family.HGlobal),
        ["FreeHGlobal"] = (Kind.Free, Family.HGlobal),
        ["StringToHGlobalAnsi"] = (Kind.StringCopy, Family.HGlobal),
        ["StringToHGlobalAuto"] = (Kind.StringCopy, Family.HGlobal),
        ["StringToHGlobalUni"] = (Kind.StringCopy, Family.HGlobal),
        ["AllocCoTaskMem"] = (Kind.Malloc, Family.CoTaskMem),
        ["ReAllocCoTaskMem"] = (Kind.Realloc, Family.CoTaskMem),
        ["FreeCoTaskMem"] = (Kind.Free, Family.CoTaskMem),
        ["StringToCoTaskMemAnsi"] = (Kind.StringCopy, Family.CoTaskMem),
        ["StringToCoTaskMemAuto"] = (Kind.StringCopy, Family.CoTaskMem),
        ["StringToCoTaskMemUni"] = (Kind.StringCopy, Family.CoTaskMem),
        ["StringToCoTaskMemUTF8"] = (Kind.StringCopy, Family.CoTaskMem),
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The <c>Az</c> method that replaces a call of <paramref name="kind"/>: the throwing variants, since the platform
    /// calls throw <see cref="OutOfMemoryException"/> where <c>Az.Malloc</c> returns 0. Null for a string copy.
    /// </summary>
    public static string? AzMethod(Kind kind) => kind switch
    {
        Kind.Malloc => "MallocOrThrow",
        Kind.Calloc => "CallocOrThrow",
        Kind.Realloc => "ReallocOrThrow",
        Kind.Free => "Free",
        _ => null,
    };

    /// <summary>The verb of the diagnostic's message, and the advice that follows it.</summary>
    public static (string Verb, string Advice) Describe(Kind kind) => kind switch
    {
        Kind.Malloc or Kind.Calloc => ("allocates", "allocate with 'Az." + AzMethod(kind) + "<SystemAllocator>' or another allocator"),
        Kind.Realloc => ("resizes", "resize with 'Az.ReallocOrThrow' on the allocator the block comes from, once its allocation uses one"),
        Kind.Free => ("frees", "free with 'Az.Free' on the allocator the block comes from, once its allocation uses one"),
        _ => ("copies a string into", "encode the string into a block from 'Az.MallocOrThrow<SystemAllocator>' or another allocator"),
    };
}
