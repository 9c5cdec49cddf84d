using Memory.Analyzers.Rules;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Analyzers.Tests.Rules;

/// <summary>MEM0021: required members that rule out every constructor of a <c>[ClassAllocator]</c> type.</summary>
public sealed class RequiredMembersRuleTests
{
    private const string Usings = "using System.Diagnostics.CodeAnalysis;\nusing Memory;\n";

    [Theory]
    [MemberData(nameof(OfficialAnalyzerTest.VersionsFrom11), MemberType = typeof(OfficialAnalyzerTest))]
    public async Task A_class_with_only_required_members_and_no_SetsRequiredMembers_constructor_is_reported(LanguageVersion version)
    {
        const string source = Usings + """
            [ClassAllocator(typeof(SystemAllocator))]
            public partial class {|MEM0021:Settings|}
            {
                public required string Name { get; init; }
                public Settings() { }
            }
            """;
        await OfficialAnalyzerTest.Create<RequiredMembersAnalyzer>(source, version).RunAsync();
    }

    [Theory]
    [MemberData(nameof(OfficialAnalyzerTest.VersionsFrom11), MemberType = typeof(OfficialAnalyzerTest))]
    public async Task A_struct_with_a_required_field_and_only_its_implicit_constructor_is_reported(LanguageVersion version)
    {
        const string source = Usings + """
            [ClassAllocator(typeof(OSAllocator))]
            public partial struct {|MEM0021:Label|}
            {
                public required int Id;
            }
            """;
        await OfficialAnalyzerTest.Create<RequiredMembersAnalyzer>(source, version).RunAsync();
    }

    [Fact]
    public async Task A_required_member_of_a_base_class_counts_and_the_message_names_it()
    {
        const string source = Usings + """
            public class Named { public required string Name { get; init; } }

            [ClassAllocator(typeof(SystemAllocator))]
            public partial class {|#0:Monster|} : Named
            {
                public Monster(int level) => Level = level;
                public int Level { get; }
            }
            """;
        var test = OfficialAnalyzerTest.Create<RequiredMembersAnalyzer>(source, LanguageVersion.Latest);
        test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(Descriptors.RequiredMembersWithoutConstructor)
            .WithLocation(0).WithArguments("Monster", "'Name'"));
        await test.RunAsync();
    }

    [Theory]
    [MemberData(nameof(OfficialAnalyzerTest.VersionsFrom11), MemberType = typeof(OfficialAnalyzerTest))]
    public async Task A_SetsRequiredMembers_constructor_or_no_required_member_is_fine(LanguageVersion version)
    {
        const string source = Usings + """
            [ClassAllocator(typeof(SystemAllocator))]
            public partial class Settings
            {
                public required string Name { get; init; }
                public Settings() { }
                [SetsRequiredMembers] public Settings(string name) => Name = name;
            }

            [ClassAllocator(typeof(SystemAllocator))]
            public partial class Plain
            {
                public string Name { get; init; } = "";
            }

            public partial class NotAttributed
            {
                public required string Name { get; init; }
            }
            """;
        await OfficialAnalyzerTest.Create<RequiredMembersAnalyzer>(source, version).RunAsync();
    }

    [Fact]
    public async Task A_type_without_any_public_or_internal_constructor_is_left_to_MEM0015()
    {
        const string source = Usings + """
            [ClassAllocator(typeof(SystemAllocator))]
            public partial class Hidden
            {
                public required string Name { get; init; }
                private Hidden() { }
            }
            """;
        await OfficialAnalyzerTest.Create<RequiredMembersAnalyzer>(source, LanguageVersion.Latest).RunAsync();
    }
}
