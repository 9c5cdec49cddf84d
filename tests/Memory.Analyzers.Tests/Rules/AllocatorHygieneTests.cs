using Verify = Memory.Analyzers.Tests.Verification.AnalyzerVerifier<Memory.Analyzers.Rules.AllocatorHygieneAnalyzer>;

namespace Memory.Analyzers.Tests.Rules;

public sealed class AllocatorHygieneTests
{
    [Fact]
    public Task Reports_allocators_without_type_information() => Verify.VerifyAsync("""
        using Memory.Testing;

        sealed class {|MEM0005:ScratchAllocator|} : TestAllocator { }
        class Outer { internal sealed class {|MEM0005:NestedAllocator|} : TestAllocator { } }
        """);

    [Fact]
    public Task Accepts_allocators_with_type_information_abstract_bases_and_generic_definitions() => Verify.VerifyAsync("""
        using System;
        using Memory;
        using Memory.Testing;

        [TypeId("{11111111-2222-3333-4444-555555555555}")]
        sealed partial class TaggedAllocator : TestAllocator { }

        sealed class HandWrittenAllocator : TestAllocator, IAllocatorType<HandWrittenAllocator>
        {
            public static Guid TypeId => Guid.Empty;
            public static string TypeName => "HandWrittenAllocator";
            public static HandWrittenAllocator CreateAllocator() => new();
        }

        abstract class SubsystemAllocator : TestAllocator { }
        class ArenaAllocator<T> : TestAllocator { }
        class NotAnAllocator { }
        """);

    [Fact]
    public Task Reports_user_allocators_inheriting_SystemAllocator() => Verify.VerifyAsync("""
        using Memory;

        [TypeId("{11111111-2222-3333-4444-555555555555}")]
        partial class {|MEM0006:ScriptAllocator|} : SystemAllocator { }
        class {|MEM0005:{|MEM0006:UntaggedAllocator|}|} : SystemAllocator { }
        [TypeId("{11111111-2222-3333-4444-555555555556}")]
        partial class IndirectAllocator : ScriptAllocator { }
        [TypeId("{11111111-2222-3333-4444-555555555557}")]
        sealed partial class ChildOfSystem : ChildAllocator<SystemAllocator> { }
        """);
}
