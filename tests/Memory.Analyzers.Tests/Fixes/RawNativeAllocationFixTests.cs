using Verify = Memory.Analyzers.Tests.Verification.CodeFixVerifier<Memory.Analyzers.Rules.RawNativeAllocationAnalyzer, Memory.Analyzers.CodeFixes.RawNativeAllocationCodeFixProvider>;

namespace Memory.Analyzers.Tests.Fixes;

public sealed class RawNativeAllocationFixTests
{
    private const string Before = """
        using System;
        using System.Runtime.InteropServices;
        using Memory;

        unsafe class User
        {
            void M(nuint size, int count)
            {
                void* a = [|NativeMemory.Alloc(16)|];
                byte* b = (byte*)[|NativeMemory.Alloc(size)|];
                nint n = (nint)[|NativeMemory.Alloc(size)|];
                void* c = [|NativeMemory.AllocZeroed(4, 4)|];
                void* d = [|NativeMemory.AlignedAlloc(size, 64)|];
                void* e = [|NativeMemory.Alloc((nuint)count, size)|];
                void* f = [|NativeMemory.AllocZeroed(byteCount: 8)|];
                a = [|NativeMemory.Realloc(a, 32)|];
                d = [|NativeMemory.AlignedRealloc(d, size * 2, 64)|];
                [|NativeMemory.Free(a)|];
                [|NativeMemory.AlignedFree(d)|];
                IntPtr h = [|Marshal.AllocHGlobal(64)|];
                h = [|Marshal.ReAllocHGlobal(h, (nint)128)|];
                [|Marshal.FreeHGlobal(h)|];
                IntPtr t = [|Marshal.AllocCoTaskMem(count)|];
                t = [|Marshal.ReAllocCoTaskMem(t, count * 2)|];
                [|Marshal.FreeCoTaskMem(t)|];
                delegate*<nuint, void*> pointer = &[|NativeMemory.Alloc|];
            }
        }
        """;

    private const string After = """
        using System;
        using System.Runtime.InteropServices;
        using Memory;

        unsafe class User
        {
            void M(nuint size, int count)
            {
                void* a = (void*)Az.MallocOrThrow<SystemAllocator>(16);
                byte* b = (byte*)Az.MallocOrThrow<SystemAllocator>((nint)size);
                nint n = Az.MallocOrThrow<SystemAllocator>((nint)size);
                void* c = (void*)Az.CallocOrThrow<SystemAllocator>(4, 4);
                void* d = (void*)Az.MallocOrThrow<SystemAllocator>((nint)size, 64);
                void* e = (void*)Az.MallocOrThrow<SystemAllocator>(checked((nint)(nuint)count * (nint)size));
                void* f = (void*)Az.CallocOrThrow<SystemAllocator>(1, 8);
                a = (void*)Az.ReallocOrThrow<SystemAllocator>((nint)a, 32);
                d = (void*)Az.ReallocOrThrow<SystemAllocator>((nint)d, (nint)(size * 2), 64);
                Az.Free<SystemAllocator>((nint)a);
                Az.Free<SystemAllocator>((nint)d);
                IntPtr h = Az.MallocOrThrow<SystemAllocator>(64);
                h = Az.ReallocOrThrow<SystemAllocator>(h, (nint)128);
                Az.Free<SystemAllocator>(h);
                IntPtr t = Az.MallocOrThrow<SystemAllocator>(count);
                t = Az.ReallocOrThrow<SystemAllocator>(t, count * 2);
                Az.Free<SystemAllocator>(t);
                delegate*<nuint, void*> pointer = &[|NativeMemory.Alloc|];
            }
        }
        """;

    [Fact]
    public Task Fix_one_by_one() => Verify.VerifyFixAsync(Before, After);

    [Fact]
    public Task Fix_all_in_document() => Verify.VerifyFixAllAsync(Before, After);

    private const string NestedBefore = """
        using System.Runtime.InteropServices;

        unsafe class User
        {
            void M() => [|NativeMemory.Free([|NativeMemory.Alloc(8)|])|];
        }
        """;

    private const string NestedAfter = """
        using System.Runtime.InteropServices;
        using Memory;

        unsafe class User
        {
            void M() => Az.Free<SystemAllocator>((nint)(void*)Az.MallocOrThrow<SystemAllocator>(8));
        }
        """;

    [Fact]
    public Task Nested_calls_one_by_one() => Verify.VerifyFixAsync(NestedBefore, NestedAfter);

    [Fact]
    public Task Nested_calls_fix_all() => Verify.VerifyFixAllAsync(NestedBefore, NestedAfter);

    [Fact]
    public Task The_using_is_added_when_missing() => Verify.VerifyFixAsync("""
        using System;
        using System.Runtime.InteropServices;

        class User
        {
            void M()
            {
                IntPtr block = [|Marshal.AllocHGlobal(64)|];
                [|Marshal.FreeHGlobal(block)|];
            }
        }
        """, """
        using System;
        using System.Runtime.InteropServices;
        using Memory;

        class User
        {
            void M()
            {
                IntPtr block = Az.MallocOrThrow<SystemAllocator>(64);
                Az.Free<SystemAllocator>(block);
            }
        }
        """);
}
