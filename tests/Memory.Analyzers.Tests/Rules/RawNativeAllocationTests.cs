using Verify = Memory.Analyzers.Tests.Verification.AnalyzerVerifier<Memory.Analyzers.Rules.RawNativeAllocationAnalyzer>;

namespace Memory.Analyzers.Tests.Rules;

public sealed class RawNativeAllocationTests
{
    [Fact]
    public Task Reports_every_NativeMemory_allocation_api() => Verify.VerifyAsync("""
        using System.Runtime.InteropServices;

        unsafe class User
        {
            void M()
            {
                void* a = [|NativeMemory.Alloc(16)|];
                void* b = [|NativeMemory.Alloc(4, 4)|];
                void* c = [|NativeMemory.AllocZeroed(16)|];
                void* d = [|NativeMemory.AllocZeroed(4, 4)|];
                void* e = [|NativeMemory.AlignedAlloc(16, 64)|];
                a = [|NativeMemory.Realloc(a, 32)|];
                e = [|NativeMemory.AlignedRealloc(e, 32, 64)|];
                [|NativeMemory.Free(a)|];
                [|NativeMemory.AlignedFree(e)|];
                delegate*<nuint, void*> pointer = &[|NativeMemory.Alloc|];
            }
        }
        """);

    [Fact]
    public Task Reports_every_Marshal_allocation_api() => Verify.VerifyAsync("""
        using System;
        using System.Runtime.InteropServices;

        class User
        {
            void M()
            {
                IntPtr a = [|Marshal.AllocHGlobal(16)|];
                a = [|Marshal.AllocHGlobal((nint)16)|];
                a = [|Marshal.ReAllocHGlobal(a, 32)|];
                [|Marshal.FreeHGlobal(a)|];
                IntPtr b = [|Marshal.AllocCoTaskMem(16)|];
                b = [|Marshal.ReAllocCoTaskMem(b, 32)|];
                [|Marshal.FreeCoTaskMem(b)|];
                Func<int, IntPtr> group = [|Marshal.AllocHGlobal|];
            }
        }
        """);

    [Fact]
    public Task Ignores_other_Marshal_and_NativeMemory_members() => Verify.VerifyAsync("""
        using System.Runtime.InteropServices;

        unsafe class User
        {
            void M(byte* p)
            {
                NativeMemory.Clear(p, 4);
                NativeMemory.Copy(p, p + 4, 4);
                int size = Marshal.SizeOf<int>();
                string? text = Marshal.PtrToStringUTF8((nint)p);
            }
        }
        """);

    [Fact]
    public Task Types_named_by_the_option_are_exempt_and_others_are_not() => Verify.VerifyAsync("""
        using System.Runtime.InteropServices;

        namespace Game.Platform
        {
            unsafe class Heap { void* M() => NativeMemory.Alloc(8); class Nested { void* N() => NativeMemory.Alloc(8); } }
        }
        namespace Game.Platform.Posix
        {
            unsafe class Pages { void* M() => NativeMemory.Alloc(8); }
        }
        namespace Game
        {
            unsafe class Exempt { void* M() => NativeMemory.Alloc(8); }
            unsafe class User { void* M() => [|NativeMemory.Alloc(8)|]; }
        }
        """, "memory_analyzers.mem0002.exempt_types = Game.Platform.*, Game.Exempt");

    private const string MiniRuntime = """
        namespace Memory { public abstract class AllocatorBase { } }
        """;

    [Fact]
    public Task Inside_the_runtime_only_the_OS_layer_is_exempt() => Verify.VerifyAsync(
    [
        MiniRuntime + """
        namespace Memory.Schemas
        {
            unsafe struct OSSchema { static void* Page() => System.Runtime.InteropServices.NativeMemory.Alloc(4096); }
        }
        namespace Memory.Diagnostics
        {
            unsafe static class GuardPages { static void* Page() => System.Runtime.InteropServices.NativeMemory.AlignedAlloc(4096, 4096); }
        }
        namespace Memory.Containers
        {
            unsafe static class List { static void* Grow() => [|System.Runtime.InteropServices.NativeMemory.Alloc(64)|]; }
        }
        """,
    ], assemblyName: "Memory.Runtime", referenceRuntime: false);

    [Fact]
    public Task The_runtime_namespaces_are_not_exempt_in_other_assemblies() => Verify.VerifyAsync("""
        namespace Memory.Diagnostics
        {
            unsafe static class GuardPages { static void* Page() => [|System.Runtime.InteropServices.NativeMemory.Alloc(4096)|]; }
        }
        """);

    [Fact]
    public Task Does_nothing_without_the_runtime() => Verify.VerifyAsync(
        ["unsafe class User { void* M() => System.Runtime.InteropServices.NativeMemory.Alloc(8); }"], referenceRuntime: false);
}
