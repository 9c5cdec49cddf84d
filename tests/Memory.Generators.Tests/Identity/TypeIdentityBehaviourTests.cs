using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests.Identity;

/// <summary>
/// Generated type identity through real builds, at every supported language version: each construction of a generic
/// allocator is an allocator of its own; two assemblies' same-named allocators with different GUIDs are two
/// allocators; a C# 10 library's allocator serves a project at any version.
/// </summary>
public sealed class TypeIdentityBehaviourTests
{
    public static TheoryData<LanguageVersion> Versions => new(LanguageVersion.CSharp10, LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.Latest);

    // One byte per version, so that each version's assemblies have identities of their own in this one process.
    private static int Salt(LanguageVersion version) => version switch
    {
        LanguageVersion.CSharp10 => 0x10,
        LanguageVersion.CSharp11 => 0x11,
        LanguageVersion.CSharp12 => 0x12,
        _ => 0xFF,
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void Each_construction_of_a_generic_TypeId_allocator_is_its_own_allocator_with_its_own_identity_and_name(LanguageVersion version)
    {
        int salt = Salt(version);
        byte[] image = LoadedAssembly.Compile("GenericIdentity" + version, version, [IdentityShapes.Generic(salt), IdentityShapes.GenericUse]);
        string whole = LoadedAssembly.Run(LoadedAssembly.Load(image)[0], "Game.Probe");
        string[] result = whole.Split('|');

        Assert.Equal("Game.Tagged<Game.A>", result[0]);
        Assert.Equal("Game.Tagged<Game.B>", result[1]);
        Assert.Equal("Game.Tagged<Game.A>", result[2]);        // the allocators' names, as reports show them
        Assert.Equal("Game.Tagged<Game.B>", result[3]);
        Assert.Equal("32", result[4]);
        Assert.Equal("0", result[5]);
        Assert.Equal("1", result[6]);                          // Widget.Create went to Tagged<A>

        Guid tagged = IdentityShapes.Id("7E3A51C2-9B04-4D6F-8A1E-2C5B7D9F0A13", salt);
        Guid a = IdentityShapes.Id("2B7D9F13-4E6A-4C8B-9D0F-3A5C7E9B1D24", salt);
        Guid b = IdentityShapes.Id("3C8E0A24-5F7B-4D9C-8E1A-4B6D8F0C2E35", salt);
        Assert.Equal(TypeIdentity.Combine(tagged, [a]), Guid.Parse(result[7]));
        Assert.Equal(TypeIdentity.Combine(tagged, [b]), Guid.Parse(result[8]));
        Assert.NotEqual(result[9], result[10]);                // Pair<A, B> != Pair<B, A>
        Assert.Equal("Game.Pair<int, string>", result[11]);
        Assert.Equal(TypeIdentity.Combine(IdentityShapes.Id("4A8C0E26-5D1F-4B73-9E05-7F2A4C6E8B39", salt), [TypeIdentity.Of(typeof(int))]), Guid.Parse(result[12]));
        Assert.Equal("Game.Window<int>", result[13]);
        Assert.Equal("Game.Grid<byte>.Cell", result[14]);
        Assert.NotEqual(result[15], result[16]);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Two_assemblies_declaring_the_same_allocator_name_with_different_GUIDs_get_two_allocators(LanguageVersion version)
    {
        int salt = Salt(version);
        Guid first = IdentityShapes.Id("0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9", salt), second = IdentityShapes.Id("9F8E7D6C-5B4A-4392-8170-6F5E4D3C2B1A", salt);
        byte[] pluginA = LoadedAssembly.Compile("PluginA" + version, version, [IdentityShapes.Plugin(first.ToString("B"), salt)]);
        byte[] pluginB = LoadedAssembly.Compile("PluginB" + version, version, [IdentityShapes.Plugin(second.ToString("B"), salt)]);
        var loaded = LoadedAssembly.Load(pluginA, pluginB);

        string[] fromA = LoadedAssembly.Run(loaded[0], "Plugins.Entry").Split('|');
        string[] fromB = LoadedAssembly.Run(loaded[1], "Plugins.Entry").Split('|');

        Assert.Equal("Plugins.PluginAllocator", fromA[0]);
        Assert.Equal(fromA[0], fromB[0]);
        Assert.Equal(first, Guid.Parse(fromA[1]));
        Assert.Equal(second, Guid.Parse(fromB[1]));
        Assert.Equal(["48", "2"], fromA[2..4]);              // its block and its object
        Assert.Equal(["48", "2"], fromB[2..4]);              // B's block is not counted in A's allocator, nor A's in B's
        Assert.NotEqual(fromA[4], fromB[4]);                  // two allocator objects
        Assert.Contains(TypeIdentity.VariableName(first), SharedEnvironment.VariableNames);
        Assert.Contains(TypeIdentity.VariableName(second), SharedEnvironment.VariableNames);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void A_TypeId_allocator_of_a_library_compiled_at_CSharp10_serves_ClassAllocator_at_every_version(LanguageVersion version)
    {
        byte[] library = LoadedAssembly.Compile("Library", LanguageVersion.CSharp10, [IdentityShapes.Library(Salt(version))]);
        byte[] application = LoadedAssembly.Compile("Application" + version, version, [IdentityShapes.LibraryUse],
            MetadataReference.CreateFromImage(library));
        var loaded = LoadedAssembly.Load(library, application);

        Assert.Equal("report|1|0", LoadedAssembly.Run(loaded[1], "Application.Entry"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void A_generic_allocator_whose_parameter_shadows_its_containers_compiles_and_is_one_allocator_per_construction(LanguageVersion version)
    {
        // The fully qualified name Game.Registry<T>.Scoped<T> would read the container's T as the allocator's own:
        // the generated glue must name the type as seen from inside it.
        string source = $$"""
            using Memory;

            namespace Game
            {
            #pragma warning disable CS0693 // the point of the shape: Scoped's T hides Registry's
                public partial class Registry<T>
                {
                    [TypeId("{{IdentityShapes.Id("5E2C7A91-3D4B-4F68-9A0E-1B7C3D5F8E26", Salt(version)):B}}")]
                    public sealed partial class Scoped<T> : ChildAllocator<SystemAllocator> { }
                }
            #pragma warning restore CS0693

                public static class Probe
                {
                    public static string Run()
                    {
                        var ints = Registry<long>.Scoped<int>.Instance;
                        var strings = Registry<long>.Scoped<string>.Instance;
                        nint block = ints.Allocate(16);
                        long live = ints.Records.LiveAllocations;
                        ints.DeAllocate(block);
                        object instance = ints;
                        return string.Join("|", ints.Name, strings.Name, ReferenceEquals(ints, Registry<long>.Scoped<int>.Instance),
                            ReferenceEquals(ints, strings), live, instance is Registry<long>.Scoped<int>);
                    }
                }
            }
            """;
        byte[] image = LoadedAssembly.Compile("ShadowedParameter" + version, version, [source]);

        string[] result = LoadedAssembly.Run(LoadedAssembly.Load(image)[0], "Game.Probe").Split('|');

        Assert.Contains("Scoped<int>", result[0]);
        Assert.Contains("Scoped<string>", result[1]);
        Assert.Equal(["True", "False", "1", "True"], result[2..]);   // the instance is of the construction asked for
    }
}
