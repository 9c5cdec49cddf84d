namespace Memory.Runtime.Tests.Core;

public sealed class TypeIdentityTests
{
    private static readonly Guid TaggedId = new("0C2B0E35-64A3-4B59-9E37-5B3D51C4A2F1");
    private static readonly Guid AId = new("A1A1A1A1-0000-4000-8000-00000000000A");
    private static readonly Guid BId = new("B2B2B2B2-0000-4000-8000-00000000000B");

    [Fact]
    public void A_type_without_TypeId_has_the_RFC_4122_version_5_UUID_of_its_name_and_assembly()
    {
        // Worked out independently (SHA-1 over the namespace {3B5C7A1E-4D2F-4E86-9C0B-715E2AD468F3} and the UTF-8
        // name, version and variant bits set): the value every process and machine derives.
        var expected = new Guid("54FE2B1B-8B27-5E20-B6A7-02A831D81ADB");
        Assert.Equal(expected, TypeIdentity.FromName("System.Int32", "System.Private.CoreLib"));
        Assert.Equal(expected, TypeIdentity.Of(typeof(int)));
        Assert.Equal(5, (TypeIdentity.Of(typeof(string)).ToByteArray(bigEndian: true)[6] >> 4));
        Assert.NotEqual(TypeIdentity.Of(typeof(int)), TypeIdentity.Of(typeof(uint)));
    }

    [Fact]
    public void The_assembly_is_part_of_a_name_derived_identity()
        => Assert.NotEqual(TypeIdentity.FromName("Plugins.PluginAllocator", "PluginA"), TypeIdentity.FromName("Plugins.PluginAllocator", "PluginB"));

    [Fact]
    public void A_type_with_TypeId_is_its_GUID()
    {
        Assert.Equal(AId, TypeIdentity.Of(typeof(IdentityA)));
        Assert.Equal(OSAllocator.TypeId, TypeIdentity.Of(typeof(OSAllocator)));
        Assert.Equal(IdentityA.TypeId, TypeIdentity<IdentityA>.Id);
    }

    [Fact]
    public void A_generic_construction_combines_its_GUID_with_its_arguments_in_stable_values()
    {
        // Worked out independently: version 5 over {8E41D6B2-0F73-4A95-B12C-5D9E3607A84B} and the definition's
        // GUID, the big-endian argument count and each argument's GUID, in RFC byte order.
        Assert.Equal(new Guid("6BF0721C-7E01-5908-8E1A-C4648C22BF1B"), TypeIdentity<IdentityTagged<IdentityA>>.Id);
        Assert.Equal(new Guid("65EA7416-81EC-5523-BF5D-FCA6A69D5CEC"), TypeIdentity<IdentityTagged<IdentityB>>.Id);
        Assert.Equal(TypeIdentity.Combine(TaggedId, [AId]), IdentityTagged<IdentityA>.TypeId);
        Assert.NotEqual(IdentityTagged<IdentityA>.TypeId, IdentityTagged<IdentityB>.TypeId);
        Assert.NotEqual(TaggedId, IdentityTagged<IdentityA>.TypeId);
    }

    [Fact]
    public void Combination_is_order_sensitive()
    {
        Assert.NotEqual(TypeIdentity<IdentityPair<IdentityA, IdentityB>>.Id, TypeIdentity<IdentityPair<IdentityB, IdentityA>>.Id);
        Assert.NotEqual(TypeIdentity<IdentityPair<int, string>>.Id, TypeIdentity<IdentityPair<string, int>>.Id);
        Assert.NotEqual(TypeIdentity.Combine(TaggedId, [AId, BId]), TypeIdentity.Combine(TaggedId, [BId, AId]));
        Assert.Equal(TaggedId, TypeIdentity.Combine(TaggedId, []));
    }

    [Fact]
    public void Nested_generics_stay_apart_from_flat_ones_and_from_each_other()
    {
        Guid[] identities =
        [
            TypeIdentity<IdentityTagged<IdentityA>>.Id,
            TypeIdentity<IdentityTagged<IdentityTagged<IdentityA>>>.Id,
            TypeIdentity<IdentityTagged<IdentityPair<IdentityA, IdentityB>>>.Id,
            TypeIdentity<IdentityPair<IdentityTagged<IdentityA>, IdentityB>>.Id,
            TypeIdentity<IdentityPair<IdentityA, IdentityTagged<IdentityB>>>.Id,
            TypeIdentity<IdentityPair<IdentityA, IdentityB>>.Id,
            TypeIdentity<IdentityTagged<List<IdentityA>>>.Id,
            TypeIdentity<IdentityTagged<List<IdentityB>>>.Id,
            TypeIdentity<IdentityTagged<int[]>>.Id,
            TypeIdentity<IdentityTagged<int[,]>>.Id,
            TypeIdentity<IdentityTagged<int>>.Id,
            TypeIdentity<IdentityTagged<int?>>.Id,
            TypeIdentity<IdentityOuter<int>.Inner>.Id,
            TypeIdentity<IdentityOuter<long>.Inner>.Id,
        ];
        Assert.Equal(identities.Length, identities.Distinct().Count());
        Assert.Equal(
            TypeIdentity.Combine(TaggedId, [TypeIdentity.Combine(TaggedId, [AId])]),
            TypeIdentity<IdentityTagged<IdentityTagged<IdentityA>>>.Id);
    }

    [Fact]
    public void An_argument_without_TypeId_contributes_its_name_derived_identity()
        => Assert.Equal(
            TypeIdentity.Combine(TaggedId, [TypeIdentity.FromName("System.String", "System.Private.CoreLib")]),
            TypeIdentity<IdentityTagged<string>>.Id);

    [Fact]
    public void Names_spell_the_type_arguments_as_CSharp_writes_them()
    {
        const string ns = "Memory.Runtime.Tests.Core.";
        Assert.Equal(ns + "IdentityA", TypeIdentity<IdentityA>.Name);
        Assert.Equal($"{ns}IdentityTagged<{ns}IdentityA>", IdentityTagged<IdentityA>.TypeName);
        Assert.Equal($"{ns}IdentityPair<int, string>", TypeIdentity<IdentityPair<int, string>>.Name);
        Assert.Equal($"{ns}IdentityTagged<System.Collections.Generic.List<int?[]>>", TypeIdentity<IdentityTagged<List<int?[]>>>.Name);
        Assert.Equal($"{ns}IdentityOuter<byte>.Inner", TypeIdentity<IdentityOuter<byte>.Inner>.Name);
        Assert.Equal($"{ns}IdentityOuter<byte>.Deeper<string, {ns}IdentityB>", TypeIdentity<IdentityOuter<byte>.Deeper<string, IdentityB>>.Name);
        Assert.Equal($"{ns}IdentityTagged<double[,]>", TypeIdentity<IdentityTagged<double[,]>>.Name);
    }
}

// Types with [TypeId] that write their type information by hand, as a project without the generator would.
[TypeId("{A1A1A1A1-0000-4000-8000-00000000000A}")]
internal sealed class IdentityA : ITypeInfo
{
    public static Guid TypeId => TypeIdentity<IdentityA>.Id;

    public static string TypeName => TypeIdentity<IdentityA>.Name;
}

[TypeId("{B2B2B2B2-0000-4000-8000-00000000000B}")]
internal sealed class IdentityB : ITypeInfo
{
    public static Guid TypeId => TypeIdentity<IdentityB>.Id;

    public static string TypeName => TypeIdentity<IdentityB>.Name;
}

[TypeId("{0C2B0E35-64A3-4B59-9E37-5B3D51C4A2F1}")]
internal sealed class IdentityTagged<T> : ITypeInfo
{
    public static Guid TypeId => TypeIdentity<IdentityTagged<T>>.Id;

    public static string TypeName => TypeIdentity<IdentityTagged<T>>.Name;
}

[TypeId("{5E0D51A4-7C2B-4F0E-8E33-2B6C9A7D1E05}")]
internal sealed class IdentityPair<TFirst, TSecond> : ITypeInfo
{
    public static Guid TypeId => TypeIdentity<IdentityPair<TFirst, TSecond>>.Id;

    public static string TypeName => TypeIdentity<IdentityPair<TFirst, TSecond>>.Name;
}

internal static class IdentityOuter<TCell>
{
    internal sealed class Inner;

    internal sealed class Deeper<TLeft, TRight>;
}
