using System.Collections.Immutable;

namespace Memory.Analyzers.Rules;

/// <summary>The platform allocation APIs MEM0002 reports, each with its <c>Az</c> counterpart.</summary>
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
    }

    public static readonly ImmutableDictionary<string, Kind> NativeMemoryMethods = new Dictionary<string, Kind>
    {
        ["Alloc"] = Kind.Malloc,
        ["AllocZeroed"] = Kind.Calloc,
        ["AlignedAlloc"] = Kind.Malloc,
        ["Realloc"] = Kind.Realloc,
        ["AlignedRealloc"] = Kind.Realloc,
        ["Free"] = Kind.Free,
        ["AlignedFree"] = Kind.Free,
    }.ToImmutableDictionary(StringComparer.Ordinal);

    public static readonly ImmutableDictionary<string, Kind> MarshalMethods = new Dictionary<string, Kind>
    {
        ["AllocHGlobal"] = Kind.Malloc,
        ["ReAllocHGlobal"] = Kind.Realloc,
        ["FreeHGlobal"] = Kind.Free,
        ["AllocCoTaskMem"] = Kind.Malloc,
        ["ReAllocCoTaskMem"] = Kind.Realloc,
        ["FreeCoTaskMem"] = Kind.Free,
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>The <c>Az</c> method that replaces a call of <paramref name="kind"/>.</summary>
    public static string AzMethod(Kind kind) => kind switch
    {
        Kind.Malloc => "Malloc",
        Kind.Calloc => "Calloc",
        Kind.Realloc => "Realloc",
        _ => "Free",
    };
}
