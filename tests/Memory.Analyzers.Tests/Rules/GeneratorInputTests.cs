using Verify = Memory.Analyzers.Tests.Verification.AnalyzerVerifier<Memory.Analyzers.Rules.GeneratorInputAnalyzer>;

namespace Memory.Analyzers.Tests.Rules;

public sealed class GeneratorInputTests
{
    [Fact]
    public Task Reports_types_and_containing_types_that_are_not_partial() => Verify.VerifyAsync("""
        using Memory;

        [ClassAllocator(typeof(OSAllocator))]
        class {|MEM0010:Widget|} { }

        [TypeId("{11111111-2222-3333-4444-555555555555}")]
        struct {|MEM0010:Id|} { }

        class Outer
        {
            [ClassAllocator(typeof(OSAllocator))]
            public partial class {|MEM0011:Inner|} { }
        }

        partial class Partial
        {
            class Middle
            {
                [TypeId("{11111111-2222-3333-4444-555555555556}")]
                partial record {|MEM0011:Deep|} { }
            }
        }
        """);

    [Fact]
    public Task Accepts_partial_types_hand_written_type_info_interfaces_and_enums() => Verify.VerifyAsync("""
        using System;
        using Memory;
        using Memory.Testing;

        [ClassAllocator(typeof(OSAllocator))]
        partial class Widget { }

        partial class Outer { [TypeId("{11111111-2222-3333-4444-555555555555}")] public partial struct Inner { } }

        [TypeId("{11111111-2222-3333-4444-555555555556}")]
        sealed class HandWritten : TestAllocator, IAllocatorType<HandWritten>
        {
            public static Guid TypeId => new("11111111-2222-3333-4444-555555555556");
            public static string TypeName => "HandWritten";
            public static HandWritten CreateAllocator() => new();
        }

        [TypeId("{11111111-2222-3333-4444-555555555557}")]
        interface IMarker { }

        [TypeId("{11111111-2222-3333-4444-555555555558}")]
        enum Kind { A }

        [TypeId("{11111111-2222-3333-4444-555555555559}")]
        abstract partial class Component { }
        """);

    [Fact]
    public Task Reports_types_that_cannot_have_instances() => Verify.VerifyAsync("""
        using Memory;
        using Memory.Testing;

        [ClassAllocator(typeof(OSAllocator))]
        static partial class {|MEM0012:Helpers|} { }

        [ClassAllocator(typeof(OSAllocator))]
        abstract partial class {|MEM0012:Shape|} { }

        [TypeId("{11111111-2222-3333-4444-555555555555}")]
        static partial class {|MEM0012:Constants|} { }

        [TypeId("{11111111-2222-3333-4444-555555555556}")]
        abstract partial class {|MEM0012:BaseAllocator|} : TestAllocator { }
        """);

    [Fact]
    public Task Reports_ref_structs_and_managed_structs() => Verify.VerifyAsync("""
        using Memory;

        [ClassAllocator(typeof(OSAllocator))]
        ref partial struct {|MEM0013:SpanHolder|} { public System.Span<byte> Bytes; }

        [ClassAllocator(typeof(OSAllocator))]
        partial struct {|MEM0014:Named|} { public string Name; public int Size; }

        [ClassAllocator(typeof(OSAllocator))]
        partial struct Particle { public float X, Y; public int Life; }
        """);

    [Fact]
    public Task Reports_classes_without_a_public_or_internal_constructor() => Verify.VerifyAsync("""
        using Memory;

        [ClassAllocator(typeof(OSAllocator))]
        partial class {|MEM0015:Hidden|} { private Hidden() { } protected Hidden(int x) { } }

        [ClassAllocator(typeof(OSAllocator))]
        partial class Open { private Open() { } internal Open(int x) { } }

        [ClassAllocator(typeof(OSAllocator))]
        partial class Implicit { }
        """);

    [Fact]
    public Task Reports_allocator_arguments_that_are_not_allocators() => Verify.VerifyAsync("""
        using Memory;
        using Memory.Testing;

        sealed class Untagged : TestAllocator { }
        abstract class Abstract : TestAllocator { }

        [ClassAllocator({|MEM0016:typeof(string)|})] partial class A { }
        [ClassAllocator({|MEM0016:typeof(Untagged)|})] partial class B { }
        [ClassAllocator({|MEM0016:typeof(Abstract)|})] partial class C { }
        [ClassAllocator({|MEM0016:typeof(ChildAllocator<>)|})] partial class D { }
        [ClassAllocator({|MEM0016:null!|})] partial class E { }
        [ClassAllocator(typeof(OSAllocator))] partial class F { }
        [ClassAllocator(typeof(SystemAllocator))] partial class G { }
        """);

    [Fact]
    public Task Reports_malformed_type_ids() => Verify.VerifyAsync("""
        using Memory;

        [TypeId({|MEM0017:"not a guid"|})] partial class A { }
        [TypeId({|MEM0017:"{11111111-2222-3333-4444-55555555555}"|})] partial class B { }
        [TypeId({|MEM0017:"11111111222233334444555555555555"|})] partial class C { }
        [TypeId({|MEM0017:""|})] partial class D { }
        [TypeId("{11111111-2222-3333-4444-555555555555}")] partial class E { }
        [TypeId("11111111-2222-3333-4444-555555555556")] partial class F { }
        [TypeId(" {aaaaaaaa-2222-3333-4444-555555555557} ")] partial class G { }
        """);
}
