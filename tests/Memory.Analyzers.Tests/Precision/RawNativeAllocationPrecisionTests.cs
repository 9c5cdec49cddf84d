using Memory.Analyzers.CodeFixes;
using Memory.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Analyzers.Tests.Precision;

/// <summary>MEM0002 on what real code does: string copies, frees of blocks from elsewhere, failure behaviour.</summary>
public sealed class RawNativeAllocationPrecisionTests
{
    private static DiagnosticResult Expected(int location, string call, string verb, string advice)
        => new DiagnosticResult(Descriptors.RawNativeAllocation).WithLocation(location).WithArguments(call, verb, advice);

    private const string FreeAdvice = "free with 'Az.Free' on the allocator the block comes from, once its allocation uses one";
    private const string StringAdvice = "encode the string into a block from 'Az.MallocOrThrow<SystemAllocator>' or another allocator";

    [Fact]
    public Task String_copies_are_reported_and_frees_say_frees()
    {
        var test = RoslynTesting.Analyzer<RawNativeAllocationAnalyzer>("""
            using System;
            using System.Runtime.InteropServices;

            class Audio
            {
                void M(string name)
                {
                    IntPtr a = {|#0:Marshal.StringToHGlobalAnsi(name)|};
                    IntPtr b = {|#1:Marshal.StringToHGlobalAuto(name)|};
                    IntPtr c = {|#2:Marshal.StringToHGlobalUni(name)|};
                    IntPtr d = {|#3:Marshal.StringToCoTaskMemUTF8(name)|};
                    IntPtr e = {|#4:Marshal.StringToCoTaskMemAnsi(name)|};
                    {|#5:Marshal.FreeHGlobal(a)|};
                    {|#6:Marshal.FreeCoTaskMem(d)|};
                    IntPtr f = {|#7:Marshal.AllocHGlobal(8)|};
                    f = {|#8:Marshal.ReAllocHGlobal(f, 16)|};
                }
            }
            """);
        test.ExpectedDiagnostics.AddRange(
        [
            Expected(0, "Marshal.StringToHGlobalAnsi", "copies a string into", StringAdvice),
            Expected(1, "Marshal.StringToHGlobalAuto", "copies a string into", StringAdvice),
            Expected(2, "Marshal.StringToHGlobalUni", "copies a string into", StringAdvice),
            Expected(3, "Marshal.StringToCoTaskMemUTF8", "copies a string into", StringAdvice),
            Expected(4, "Marshal.StringToCoTaskMemAnsi", "copies a string into", StringAdvice),
            Expected(5, "Marshal.FreeHGlobal", "frees", FreeAdvice),
            Expected(6, "Marshal.FreeCoTaskMem", "frees", FreeAdvice),
            Expected(7, "Marshal.AllocHGlobal", "allocates", "allocate with 'Az.MallocOrThrow<SystemAllocator>' or another allocator"),
            Expected(8, "Marshal.ReAllocHGlobal", "resizes", "resize with 'Az.ReallocOrThrow' on the allocator the block comes from, once its allocation uses one"),
        ]);
        return test.RunAsync();
    }

    private static Task VerifyFix(string source, string fixedSource)
        => RoslynTesting.Fix<RawNativeAllocationAnalyzer, RawNativeAllocationCodeFixProvider>(source, fixedSource).RunAsync();

    [Fact]
    public Task A_free_of_a_string_copy_is_not_rewritten() => VerifyFix("""
        using System;
        using System.Runtime.InteropServices;

        class AudioEngine
        {
            void Create(string settings)
            {
                IntPtr name = [|Marshal.StringToHGlobalAnsi(settings)|];
                [|Marshal.FreeHGlobal(name)|];
            }
        }
        """, """
        using System;
        using System.Runtime.InteropServices;

        class AudioEngine
        {
            void Create(string settings)
            {
                IntPtr name = [|Marshal.StringToHGlobalAnsi(settings)|];
                [|Marshal.FreeHGlobal(name)|];
            }
        }
        """);

    [Fact]
    public Task Blocks_that_come_from_or_go_elsewhere_are_not_rewritten() => VerifyFix("""
        using System;
        using System.Runtime.InteropServices;

        unsafe class Buffers
        {
            IntPtr _kept;

            void Free(IntPtr block) => [|Marshal.FreeHGlobal(block)|];
            void FreeKept() => [|Marshal.FreeHGlobal(_kept)|];
            void Keep() => _kept = [|Marshal.AllocHGlobal(64)|];
            IntPtr Give() => [|Marshal.AllocHGlobal(64)|];

            void Pass()
            {
                IntPtr block = [|Marshal.AllocHGlobal(64)|];
                Native(block);
                [|Marshal.FreeHGlobal(block)|];
            }

            void Mixed()
            {
                void* block = [|NativeMemory.Alloc(64)|];
                [|NativeMemory.AlignedFree(block)|];
            }

            static void Native(IntPtr block) { }
        }
        """, """
        using System;
        using System.Runtime.InteropServices;

        unsafe class Buffers
        {
            IntPtr _kept;

            void Free(IntPtr block) => [|Marshal.FreeHGlobal(block)|];
            void FreeKept() => [|Marshal.FreeHGlobal(_kept)|];
            void Keep() => _kept = [|Marshal.AllocHGlobal(64)|];
            IntPtr Give() => [|Marshal.AllocHGlobal(64)|];

            void Pass()
            {
                IntPtr block = [|Marshal.AllocHGlobal(64)|];
                Native(block);
                [|Marshal.FreeHGlobal(block)|];
            }

            void Mixed()
            {
                void* block = [|NativeMemory.Alloc(64)|];
                [|NativeMemory.AlignedFree(block)|];
            }

            static void Native(IntPtr block) { }
        }
        """);

    [Fact]
    public Task A_block_kept_in_one_local_is_rewritten_with_all_its_calls_and_throws_like_before() => VerifyFix("""
        using System;
        using System.Runtime.InteropServices;

        unsafe class Buffers
        {
            int Sum(int count)
            {
                byte* block = (byte*)[|NativeMemory.Alloc((nuint)count)|];
                if (block == null)
                    return 0;
                block[0] = 1;
                block = (byte*)[|NativeMemory.Realloc(block, (nuint)(count * 2))|];
                int first = *block;
                [|NativeMemory.Free(block)|];
                return first;
            }
        }
        """, """
        using System;
        using System.Runtime.InteropServices;
        using Memory;

        unsafe class Buffers
        {
            int Sum(int count)
            {
                byte* block = (byte*)Az.MallocOrThrow<SystemAllocator>((nint)(nuint)count);
                if (block == null)
                    return 0;
                block[0] = 1;
                block = (byte*)Az.ReallocOrThrow<SystemAllocator>((nint)block, (nint)(nuint)(count * 2));
                int first = *block;
                Az.Free<SystemAllocator>((nint)block);
                return first;
            }
        }
        """);
}
