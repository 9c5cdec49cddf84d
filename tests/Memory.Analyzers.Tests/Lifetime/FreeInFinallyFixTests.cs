using Memory.Analyzers.CodeFixes;
using static Memory.Analyzers.Tests.Lifetime.LifetimeTest;

namespace Memory.Analyzers.Tests.Lifetime;

/// <summary>The MEM0030 fix: the rest of the block goes into a try whose finally frees the block; the fixed code compiles.</summary>
public sealed class FreeInFinallyFixTests
{
    [Fact]
    public Task Wraps_the_rest_of_the_block_keeping_comments() => VerifyFixAsync<FreeInFinallyCodeFixProvider>("""
        using System;
        using Memory;

        class C
        {
            int M(int size)
            {
                nint block = {|MEM0030:Az.Malloc<OSAllocator>(size)|};
                // Fill it first.
                Console.WriteLine(block); // trailing note
                if (size > 16)
                    return 1;
                return 0;
            }
        }
        """, """
        using System;
        using Memory;

        class C
        {
            int M(int size)
            {
                nint block = Az.Malloc<OSAllocator>(size);
                try
                {
                    // Fill it first.
                    Console.WriteLine(block); // trailing note
                    if (size > 16)
                        return 1;
                    return 0;
                }
                finally
                {
                    Az.Free<OSAllocator>(block);
                }
            }
        }
        """);

    [Fact]
    public Task Frees_a_platform_string_copy_with_the_free_of_its_heap() => VerifyFixAsync<FreeInFinallyCodeFixProvider>("""
        using System;
        using System.Runtime.InteropServices;

        class C
        {
            void M(string text)
            {
                nint copy = {|MEM0030:Marshal.StringToCoTaskMemUTF8(text)|};
                if (text.Length == 0)
                    throw new ArgumentException("empty");
                Console.WriteLine(copy);
            }
        }
        """, """
        using System;
        using System.Runtime.InteropServices;

        class C
        {
            void M(string text)
            {
                nint copy = Marshal.StringToCoTaskMemUTF8(text);
                try
                {
                    if (text.Length == 0)
                        throw new ArgumentException("empty");
                    Console.WriteLine(copy);
                }
                finally
                {
                    Marshal.FreeCoTaskMem(copy);
                }
            }
        }
        """);

    [Fact]
    public Task Uses_the_free_that_matches_each_creation() => VerifyFixAsync<FreeInFinallyCodeFixProvider>("""
        using System;
        using Memory;
        using Memory.Containers;
        using Game;

        unsafe class C
        {
            void M(IAllocator allocator)
            {
                var body = {|MEM0030:Body.Create(1)|};
                byte* bytes = (byte*){|MEM0030:allocator.Allocate(16)|};
                var list = {|MEM0030:new NativeList<int>()|};
                list.Add(body.Value.Count);
                bytes[0] = 1;
            }
        }
        """, """
        using System;
        using Memory;
        using Memory.Containers;
        using Game;

        unsafe class C
        {
            void M(IAllocator allocator)
            {
                var body = Body.Create(1);
                try
                {
                    byte* bytes = (byte*)allocator.Allocate(16);
                    try
                    {
                        var list = new NativeList<int>();
                        try
                        {
                            list.Add(body.Value.Count);
                            bytes[0] = 1;
                        }
                        finally
                        {
                            list.Dispose();
                        }
                    }
                    finally
                    {
                        allocator.DeAllocate((nint)bytes);
                    }
                }
                finally
                {
                    Body.Destroy(body);
                }
            }
        }
        """, iterations: 3);

    [Fact]
    public Task Offers_no_fix_when_the_block_is_freed_on_some_paths() => VerifyFixAsync<FreeInFinallyCodeFixProvider>("""
        using Memory;

        class C
        {
            void M(bool flag)
            {
                nint block = {|MEM0030:Az.Malloc<OSAllocator>(8)|};
                if (flag)
                    Az.Free<OSAllocator>(block);
            }
        }
        """, """
        using Memory;

        class C
        {
            void M(bool flag)
            {
                nint block = {|MEM0030:Az.Malloc<OSAllocator>(8)|};
                if (flag)
                    Az.Free<OSAllocator>(block);
            }
        }
        """, iterations: 0);
}
