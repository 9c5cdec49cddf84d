using Memory.Analyzers.Rules;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Analyzers.Tests.Rules;

/// <summary>MEM0023: <c>[ClassAllocator]</c> or <c>[TypeId]</c> on a file-local type.</summary>
public sealed class FileLocalTypeRuleTests
{
    [Theory]
    [MemberData(nameof(OfficialAnalyzerTest.VersionsFrom11), MemberType = typeof(OfficialAnalyzerTest))]
    public async Task A_file_local_type_with_either_attribute_is_reported(LanguageVersion version)
    {
        const string source = """
            using Memory;

            [ClassAllocator(typeof(SystemAllocator))]
            file partial class {|MEM0023:Widget|} { }

            [TypeId("{6C1F7A3B-2D4E-4F50-8A61-7B2C3D4E5F01}")]
            file partial class {|MEM0023:Marker|} { }

            file partial class Outer
            {
                [TypeId("{6C1F7A3B-2D4E-4F50-8A61-7B2C3D4E5F02}")]
                public partial class {|MEM0023:Inner|} { }
            }
            """;
        await OfficialAnalyzerTest.Create<FileLocalTypeAnalyzer>(source, version).RunAsync();
    }

    [Fact]
    public async Task The_message_says_what_to_do()
    {
        const string source = """
            using Memory;

            [ClassAllocator(typeof(SystemAllocator))]
            file partial class {|#0:Widget|} { }
            """;
        var test = OfficialAnalyzerTest.Create<FileLocalTypeAnalyzer>(source, LanguageVersion.Latest);
        test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(Descriptors.FileLocalType)
            .WithLocation(0).WithArguments("Widget", "a file-local type", "ClassAllocator"));
        await test.RunAsync();
        Assert.Contains("declare it 'internal' instead of 'file'", Descriptors.FileLocalType.MessageFormat.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OfficialAnalyzerTest.VersionsFrom11), MemberType = typeof(OfficialAnalyzerTest))]
    public async Task Internal_types_and_hand_written_type_information_are_fine(LanguageVersion version)
    {
        const string source = """
            using System;
            using Memory;

            [ClassAllocator(typeof(SystemAllocator))]
            internal partial class Widget { }

            [TypeId("{6C1F7A3B-2D4E-4F50-8A61-7B2C3D4E5F03}")]
            file sealed class HandWritten : ITypeInfo
            {
                public static Guid TypeId => new("6C1F7A3B-2D4E-4F50-8A61-7B2C3D4E5F03");
                public static string TypeName => "HandWritten";
            }
            """;
        await OfficialAnalyzerTest.Create<FileLocalTypeAnalyzer>(source, version).RunAsync();
    }
}
