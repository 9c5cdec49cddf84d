using Memory.Analyzers.Rules;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Analyzers.Tests.Rules;

/// <summary>MEM0019 (a Create without call site) and MEM0020 (a declared member in a generated one's place), at every C# version.</summary>
public sealed class GeneratedMembersTests
{
    private const string Usings = "using Memory;\nusing Memory.Schemas;\n";

    public static TheoryData<LanguageVersion> Versions()
        => [LanguageVersion.CSharp10, LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.Latest];

    private const string OverlapReason = "the type's constructors have optional or params parameters and accept some argument counts in common, so the call-site parameters would change which constructor a call picks";

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Competing_optional_parameters_leave_every_Create_without_a_call_site(LanguageVersion version)
    {
        var test = OfficialAnalyzerTest.Create<GeneratedMembersAnalyzer>(Usings + """
            [ClassAllocator(typeof(OSAllocator))]
            public partial class Setting
            {
                public {|#0:Setting|}() { }
                public {|#1:Setting|}(int value = 0) { }
            }
            """, version);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.NoCallSite).WithLocation(0).WithArguments("Setting", "", OverlapReason));
        test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.NoCallSite).WithLocation(1).WithArguments("Setting", "int", OverlapReason));
        await test.RunAsync();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_params_constructor_has_no_call_site_and_its_neighbours_keep_theirs(LanguageVersion version)
    {
        var test = OfficialAnalyzerTest.Create<GeneratedMembersAnalyzer>(Usings + """
            [ClassAllocator(typeof(OSAllocator))]
            public partial class Message
            {
                public Message(string text) { }
                public {|#0:Message|}(string format, object first, params object[] rest) { }
            }
            """, version);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.NoCallSite).WithLocation(0)
            .WithArguments("Message", "string, object, object[]", "C# allows no parameter after 'params'"));
        await test.RunAsync();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Overloads_that_never_compete_record_call_sites(LanguageVersion version)
    {
        // The endpoint, a struct's implicit constructor beside an optional parameter, own caller information.
        await OfficialAnalyzerTest.Create<GeneratedMembersAnalyzer>(Usings + """
            [ClassAllocator(typeof(OSAllocator))]
            public partial class Endpoint
            {
                public Endpoint() { }
                public Endpoint(string host, int port) { }
            }

            [ClassAllocator(typeof(OSAllocator))]
            public partial struct Sample
            {
                public int Id;
                public Sample(double x, double y, int id = 7) { Id = id; }
            }

            [ClassAllocator(typeof(OSAllocator))]
            public partial class Logger
            {
                public Logger([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) { }
            }
            """, version).RunAsync();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_declared_Destroy_and_Create_take_the_generated_ones_places(LanguageVersion version)
    {
        var test = OfficialAnalyzerTest.Create<GeneratedMembersAnalyzer>(Usings + """
            [ClassAllocator(typeof(OSAllocator))]
            public partial class Pooled
            {
                public Pooled(int size) { }
                public static void {|#0:Destroy|}(Pooled instance) { }
            }

            [ClassAllocator(typeof(OSAllocator))]
            public partial class Counter
            {
                public {|#2:Counter|}() { }
                public Counter(int start = 0) { }
                public static Counter {|#1:Create|}(int start) => new Counter(start);
            }

            [ClassAllocator(typeof(OSAllocator))]
            public partial class Named
            {
                public static int {|#3:Create|};
            }
            """, version);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.GeneratedMemberConflict).WithLocation(0).WithArguments(
            "Pooled", "'Pooled.Destroy(Pooled)'", "the generator leaves its Destroy out; the declared one must end the tracking (TrackedObjects.Destroy, NativeObjects.Free)"));
        test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.GeneratedMemberConflict).WithLocation(1).WithArguments(
            "Counter", "'Counter.Create(int)'", "the generator leaves out the Create for constructor 'Counter.Counter(int)', and calls to it run the declared one"));
        test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.NoCallSite).WithLocation(2).WithArguments("Counter", "", OverlapReason));
        test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.GeneratedMemberConflict).WithLocation(3).WithArguments(
            "Named", "a field named 'Create'", "no Create is generated, so nothing can be created through the allocator"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp10, false)]
    [InlineData(LanguageVersion.CSharp11, true)]
    [InlineData(LanguageVersion.CSharp12, true)]
    [InlineData(LanguageVersion.Latest, true)]
    public async Task An_instance_TypeId_or_constant_TypeName_blocks_the_interface_from_CSharp_11_on(LanguageVersion version, bool reported)
    {
        var test = OfficialAnalyzerTest.Create<GeneratedMembersAnalyzer>(Usings + """
            [TypeId("{5B0E2C7A-31D4-4F86-9A2B-C3D4E5F60718}")]
            public partial class Described
            {
                public System.Guid {|#0:TypeId|} => default;
            }

            [TypeId("{6C1F3D8B-42E5-4097-8B3C-D4E5F6071829}")]
            public partial class Named
            {
                public const string {|#1:TypeName|} = "Named";
            }
            """, version);
        if (reported)
        {
            test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.GeneratedMemberConflict).WithLocation(0).WithArguments(
                "Described", "a 'TypeId' that is not 'public static System.Guid TypeId { get; }'", "ITypeInfo cannot be implemented around it, so nothing is generated for the type"));
            test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.GeneratedMemberConflict).WithLocation(1).WithArguments(
                "Named", "a 'TypeName' that is not 'public static string TypeName { get; }'", "ITypeInfo cannot be implemented around it, so nothing is generated for the type"));
        }
        await test.RunAsync();
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp10, true)]
    [InlineData(LanguageVersion.CSharp11, false)]
    [InlineData(LanguageVersion.Latest, false)]
    public async Task An_allocator_Instance_that_is_not_static_is_reported_at_CSharp_10(LanguageVersion version, bool reported)
    {
        var test = OfficialAnalyzerTest.Create<GeneratedMembersAnalyzer>(Usings + """
            [TypeId("{7D20E49C-53F6-41A8-9C4D-E5F60718293A}")]
            public sealed partial class PoolAllocator : AllocatorBase<OSSchema>
            {
                public PoolAllocator() : base("Pool", "d", default) { }
                public PoolAllocator {|#0:Instance|} => this;
            }

            [TypeId("{8E31F5AD-6407-42B9-AD5E-F60718293A4B}")]
            public sealed partial class SharedAllocator : AllocatorBase<OSSchema>
            {
                private static SharedAllocator? s_instance;
                public SharedAllocator() : base("Shared", "d", default) { }
                public static SharedAllocator Instance => s_instance ??= new SharedAllocator();
            }
            """, version);
        if (reported)
        {
            test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.GeneratedMemberConflict).WithLocation(0).WithArguments(
                "PoolAllocator", "an 'Instance' that is not a static property of type 'PoolAllocator'",
                "at C# 10 [ClassAllocator] types cannot reach the allocator through it and get no Create"));
        }
        await test.RunAsync();
    }
}
