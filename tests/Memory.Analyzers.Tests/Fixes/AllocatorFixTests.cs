using Microsoft.CodeAnalysis.CodeFixes;
using AddTypeId = Memory.Analyzers.Tests.Verification.CodeFixVerifier<Memory.Analyzers.Rules.AllocatorHygieneAnalyzer, Memory.Analyzers.CodeFixes.AddTypeIdCodeFixProvider>;
using UseChild = Memory.Analyzers.Tests.Verification.CodeFixVerifier<Memory.Analyzers.Rules.AllocatorHygieneAnalyzer, Memory.Analyzers.CodeFixes.UseChildAllocatorCodeFixProvider>;

namespace Memory.Analyzers.Tests.Fixes;

public sealed class AllocatorFixTests
{
    private const string UntaggedBefore = """
        using Memory.Testing;

        /// <summary>Scratch memory.</summary>
        public sealed class {|MEM0005:ScratchAllocator|} : TestAllocator { }

        class Outer
        {
            internal sealed class {|MEM0005:NestedAllocator|} : TestAllocator { }
        }
        """;

    private const string UntaggedAfter = """
        using Memory;
        using Memory.Testing;

        /// <summary>Scratch memory.</summary>
        [TypeId("{NEW-GUID}")]
        public sealed partial class ScratchAllocator : TestAllocator { }

        class Outer
        {
            [TypeId("{NEW-GUID}")]
            internal sealed partial class NestedAllocator : TestAllocator { }
        }
        """;

    [Fact]
    public Task Add_TypeId_one_by_one() => AddTypeId.VerifyFixAsync(UntaggedBefore, UntaggedAfter);

    [Fact]
    public Task Add_TypeId_fix_all() => AddTypeId.VerifyFixAllAsync(UntaggedBefore, UntaggedAfter, FixAllScope.Solution);

    private const string SystemBefore = """
        using Memory;

        [TypeId("{11111111-2222-3333-4444-555555555555}")]
        public sealed partial class {|MEM0006:ScriptAllocator|} : SystemAllocator { }

        [TypeId("{11111111-2222-3333-4444-555555555556}")]
        public sealed partial class {|MEM0006:AudioAllocator|} : SystemAllocator, System.IDisposable
        {
            public AudioAllocator() : base() { }
        }

        [TypeId("{11111111-2222-3333-4444-555555555557}")]
        public partial class {|MEM0006:ConfiguredAllocator|} : SystemAllocator
        {
            public ConfiguredAllocator() : base() { }
            public ConfiguredAllocator(int unused) : this() { }
        }
        """;

    private const string SystemAfter = """
        using Memory;

        [TypeId("{11111111-2222-3333-4444-555555555555}")]
        public sealed partial class ScriptAllocator : ChildAllocator<SystemAllocator> { }

        [TypeId("{11111111-2222-3333-4444-555555555556}")]
        public sealed partial class AudioAllocator : ChildAllocator<SystemAllocator>, System.IDisposable
        {
            public AudioAllocator() : base() { }
        }

        [TypeId("{11111111-2222-3333-4444-555555555557}")]
        public partial class ConfiguredAllocator : ChildAllocator<SystemAllocator>
        {
            public ConfiguredAllocator() : base() { }
            public ConfiguredAllocator(int unused) : this() { }
        }
        """;

    [Fact]
    public Task Use_ChildAllocator_one_by_one() => UseChild.VerifyFixAsync(SystemBefore, SystemAfter);

    [Fact]
    public Task Use_ChildAllocator_fix_all() => UseChild.VerifyFixAllAsync(SystemBefore, SystemAfter);
}
