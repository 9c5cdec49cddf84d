using Microsoft.CodeAnalysis.Testing;
using static Memory.Analyzers.Tests.Lifetime.LifetimeTest;

namespace Memory.Analyzers.Tests.Lifetime;

/// <summary>MEM0030 over each shape of path: reported where a path leaves the method with the block live, quiet otherwise.</summary>
public sealed class NativeLeakTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using System.Runtime.InteropServices;
        using Memory;
        using Memory.Containers;
        using Memory.Objects;
        using Game;

        """;

    // ---- straight line, discarded results ----

    [Fact]
    public Task Reports_a_block_never_freed() => VerifyAsync(Usings + """
        class C
        {
            void M()
            {
                nint block = {|MEM0030:Az.Malloc<OSAllocator>(64)|};
                Console.WriteLine(block);
            }
        }
        """);

    [Fact]
    public Task Says_which_way_out_leaks() => VerifyAsync(Usings + """
        class C
        {
            int M(bool early)
            {
                nint block = {|#0:Az.Malloc<OSAllocator>(64)|};
                if (early)
                    return -1;
                Az.Free<OSAllocator>(block);
                return 0;
            }

            void Void(bool early)
            {
                nint block = {|#1:Az.Malloc<OSAllocator>(64)|};
                if (early)
                    return;
                Az.Free<OSAllocator>(block);
            }
        }
        """, [Leak(0).WithArguments("Az.Malloc<OSAllocator>(...)", "returns at line 15"),
            Leak(1).WithArguments("Az.Malloc<OSAllocator>(...)", "returns early")]);

    [Fact]
    public Task Reports_a_result_dropped_at_once() => VerifyAsync(Usings + """
        class C
        {
            void M()
            {
                {|MEM0030:Az.Calloc<OSAllocator>(4, 16)|};
                _ = {|MEM0030:Az.Malloc<OSAllocator>(8)|};
            }
        }
        """);

    [Fact]
    public Task Quiet_when_freed_on_the_one_path() => VerifyAsync(Usings + """
        class C
        {
            void M()
            {
                nint block = Az.Malloc<OSAllocator>(64);
                Console.WriteLine(block);
                Az.Free<OSAllocator>(block);
            }
        }
        """);

    [Fact]
    public Task Quiet_when_the_block_goes_to_a_generic_parameter() => VerifyAsync(Usings + """
        class C
        {
            static void Same<T>(T expected, T actual) { }

            void M()
            {
                // A generic method cannot free what it is given, only look at it or keep it (an assertion, say).
                Same((nint)0, Az.Malloc<OSAllocator>(nint.MaxValue));
            }
        }
        """);

    [Fact]
    public Task Quiet_for_code_without_creations() => VerifyAsync(Usings + """
        class C
        {
            int M(int x) { if (x > 0) return x; return -x; }
        }
        """);

    // ---- if / else ----

    [Fact]
    public Task Reports_a_block_freed_in_one_branch_only() => VerifyAsync(Usings + """
        class C
        {
            void M(bool flag)
            {
                nint block = {|MEM0030:Az.Malloc<OSAllocator>(64)|};
                if (flag)
                    Az.Free<OSAllocator>(block);
                else
                    Console.WriteLine(block);
            }
        }
        """);

    [Fact]
    public Task Quiet_when_both_branches_free() => VerifyAsync(Usings + """
        class C
        {
            void M(bool flag)
            {
                nint block = Az.Malloc<OSAllocator>(64);
                if (flag)
                {
                    Console.WriteLine(block);
                    Az.Free<OSAllocator>(block);
                }
                else
                {
                    Az.Free<OSAllocator>(block);
                }
            }
        }
        """);

    [Fact]
    public Task Quiet_on_the_path_where_the_block_is_null() => VerifyAsync(Usings + """
        class C
        {
            int M()
            {
                nint block = Az.Malloc<OSAllocator>(64);
                if (block == 0)
                    return -1;
                nint other = Az.Malloc<OSAllocator>(64);
                if (other == IntPtr.Zero)
                {
                    Az.Free<OSAllocator>(block);
                    throw new OutOfMemoryException();
                }
                NativeRef<Body> body = Body.Create(1);
                if (body.IsNull)
                {
                    Az.Free<OSAllocator>(other);
                    Az.Free<OSAllocator>(block);
                    return -2;
                }
                Body.Destroy(body);
                Az.Free<OSAllocator>(other);
                Az.Free<OSAllocator>(block);
                return 0;
            }
        }
        """);

    [Fact]
    public Task Reports_blocks_still_live_when_a_later_one_is_null() => VerifyAsync(Usings + """
        class C
        {
            void M()
            {
                nint first = {|MEM0030:Az.Malloc<OSAllocator>(64)|};
                nint second = Az.Malloc<OSAllocator>(64);
                if (second == 0)
                    throw new OutOfMemoryException();
                Az.Free<OSAllocator>(second);
                Az.Free<OSAllocator>(first);
            }
        }
        """);

    // ---- loops ----

    [Fact]
    public Task Reports_a_loop_that_skips_the_free() => VerifyAsync(Usings + """
        class C
        {
            void M(int n)
            {
                for (int i = 0; i < n; i++)
                {
                    nint block = {|MEM0030:Az.Malloc<OSAllocator>(16)|};
                    if (i % 2 == 0)
                        continue;
                    Az.Free<OSAllocator>(block);
                }
            }
        }
        """);

    [Fact]
    public Task Reports_a_block_overwritten_in_a_loop() => VerifyAsync(Usings + """
        class C
        {
            void M(int n)
            {
                nint block = 0;
                while (n-- > 0)
                    block = {|MEM0030:Az.Malloc<OSAllocator>(16)|};
                Console.WriteLine(block);
            }
        }
        """);

    [Fact]
    public Task Quiet_for_a_loop_that_frees_every_block() => VerifyAsync(Usings + """
        class C
        {
            void M(int[] sizes)
            {
                foreach (int size in sizes)
                {
                    nint block = Az.Malloc<OSAllocator>(size);
                    if (size == 0)
                    {
                        Az.Free<OSAllocator>(block);
                        break;
                    }
                    Console.WriteLine(block);
                    Az.Free<OSAllocator>(block);
                }
            }
        }
        """);

    // ---- switch ----

    [Fact]
    public Task Reports_a_switch_case_that_returns_without_freeing() => VerifyAsync(Usings + """
        class C
        {
            int M(int kind)
            {
                var body = {|MEM0030:Body.Create(kind)|};
                switch (kind)
                {
                    case 0:
                        Body.Destroy(body);
                        return 0;
                    case 1:
                        return 1;
                    default:
                        Body.Destroy(body);
                        return 2;
                }
            }
        }
        """);

    [Fact]
    public Task Quiet_when_every_switch_case_frees() => VerifyAsync(Usings + """
        class C
        {
            int M(int kind)
            {
                var body = Body.Create(kind);
                int result = kind switch { 0 => 10, _ => body.Value.Count };
                switch (kind)
                {
                    case 0:
                        Body.Destroy(body);
                        return result;
                    default:
                        Body.Destroy(body);
                        return -result;
                }
            }
        }
        """);

    // ---- throw, try/finally, catch ----

    [Fact]
    public Task Reports_an_explicit_throw_before_the_free() => VerifyAsync(Usings + """
        class C
        {
            void M(int size)
            {
                nint block = {|#0:Az.Malloc<OSAllocator>(size)|};
                if (size > 1024)
                    throw new ArgumentOutOfRangeException(nameof(size));
                Az.Free<OSAllocator>(block);
            }
        }
        """, [Leak(0).WithArguments("Az.Malloc<OSAllocator>(...)", "throws at line 15")]);

    [Fact]
    public Task Quiet_for_calls_that_may_throw_by_default() => VerifyAsync(Usings + """
        class C
        {
            void M(int size)
            {
                nint block = Az.Malloc<OSAllocator>(size);
                Console.WriteLine(block);
                ArgumentOutOfRangeException.ThrowIfNegative(size);
                Az.Free<OSAllocator>(block);
            }
        }
        """);

    [Fact]
    public Task Reports_calls_that_may_throw_when_asked() => VerifyAsync(Usings + """
        class C
        {
            void Unprotected(int size)
            {
                nint block = {|MEM0030:Az.Malloc<OSAllocator>(size)|};
                Console.WriteLine(block);
                Az.Free<OSAllocator>(block);
            }

            void Protected(int size)
            {
                nint block = Az.Malloc<OSAllocator>(size);
                try
                {
                    Console.WriteLine(block);
                }
                finally
                {
                    Az.Free<OSAllocator>(block);
                }
            }
        }
        """, "memory_analyzers.mem0030.exception_paths = calls");

    [Fact]
    public Task Quiet_on_throws_when_exception_paths_are_off() => VerifyAsync(Usings + """
        class C
        {
            void M(int size)
            {
                nint block = Az.Malloc<OSAllocator>(size);
                if (size > 1024)
                    throw new ArgumentOutOfRangeException(nameof(size));
                Az.Free<OSAllocator>(block);
            }
        }
        """, "memory_analyzers.mem0030.exception_paths = none");

    [Fact]
    public Task Quiet_when_a_finally_frees_on_every_way_out() => VerifyAsync(Usings + """
        class C
        {
            int M(int size)
            {
                nint block = Az.Malloc<OSAllocator>(size);
                try
                {
                    if (size == 3)
                        return 3;
                    if (size > 1024)
                        throw new ArgumentOutOfRangeException(nameof(size));
                    Console.WriteLine(block);
                }
                finally
                {
                    Az.Free<OSAllocator>(block);
                }
                return 0;
            }
        }
        """);

    [Fact]
    public Task Reports_a_throw_out_of_a_try_whose_finally_does_not_free() => VerifyAsync(Usings + """
        class C
        {
            void M(int size)
            {
                nint block = {|MEM0030:Az.Malloc<OSAllocator>(size)|};
                try
                {
                    if (size > 1024)
                        throw new ArgumentOutOfRangeException(nameof(size));
                }
                finally
                {
                    Console.WriteLine(size);
                }
                Az.Free<OSAllocator>(block);
            }
        }
        """);

    [Fact]
    public Task Quiet_when_the_catch_frees_and_rethrows() => VerifyAsync(Usings + """
        class C
        {
            nint M(int size)
            {
                nint block = Az.Malloc<OSAllocator>(size);
                try
                {
                    if (size > 1024)
                        throw new ArgumentOutOfRangeException(nameof(size));
                }
                catch
                {
                    Az.Free<OSAllocator>(block);
                    throw;
                }
                return block;
            }
        }
        """);

    [Fact]
    public Task Reports_a_catch_that_swallows_without_freeing() => VerifyAsync(Usings + """
        class C
        {
            void M(int size)
            {
                nint block = {|MEM0030:Az.Malloc<OSAllocator>(size)|};
                try
                {
                    if (size > 1024)
                        throw new ArgumentOutOfRangeException(nameof(size));
                    Az.Free<OSAllocator>(block);
                }
                catch (ArgumentException)
                {
                    Console.WriteLine("too big");
                }
            }
        }
        """);

    [Fact]
    public Task Quiet_after_calls_that_never_return() => VerifyAsync(Usings + """
        static class Assert
        {
            public static void Fail(string message) => throw new InvalidOperationException(message);
        }

        static class Throw
        {
            [System.Diagnostics.CodeAnalysis.DoesNotReturn]
            public static void Refused() => throw new InvalidOperationException();
        }

        class C
        {
            void M(IAllocator allocator, bool refuse)
            {
                nint block = allocator.Allocate(64);
                if (refuse)
                {
                    if (block != 0)
                        Assert.Fail("the allocator must refuse");
                    return;
                }
                nint other = allocator.Allocate(64);
                if (other != 0 && refuse)
                    Throw.Refused();
                allocator.DeAllocate(other);
                allocator.DeAllocate(block);
            }
        }
        """);

    // ---- using, containers ----

    [Fact]
    public Task Quiet_for_using_declarations_and_statements() => VerifyAsync(Usings + """
        class C
        {
            int M(int n)
            {
                using var list = new NativeList<int>();
                list.Add(n);
                using (var array = new NativeArray<int>(4))
                {
                    if (n > 2)
                        return array.Length;
                }
                return list.Count;
            }
        }
        """);

    [Fact]
    public Task Reports_a_container_never_disposed() => VerifyAsync(Usings + """
        class C
        {
            int M(int n)
            {
                var map = {|MEM0030:new NativeHashMap<int, int>()|};
                map.Add(n, n);
                var list = new NativeList<int>();
                list.Add(n);
                list.Dispose();
                return map.Count;
            }
        }
        """);

    // ---- lambdas, local functions ----

    [Fact]
    public Task Quiet_for_blocks_captured_by_a_lambda_or_local_function() => VerifyAsync(Usings + """
        class C
        {
            Action M()
            {
                nint block = Az.Malloc<OSAllocator>(8);
                nint other = Az.Malloc<OSAllocator>(8);
                Release();
                return () => Az.Free<OSAllocator>(block);

                void Release() => Az.Free<OSAllocator>(other);
            }
        }
        """);

    [Fact]
    public Task Reports_leaks_inside_lambdas_and_local_functions() => VerifyAsync(Usings + """
        class C
        {
            void M(List<Action> actions)
            {
                actions.Add(() =>
                {
                    nint block = {|MEM0030:Az.Malloc<OSAllocator>(8)|};
                    Console.WriteLine(block);
                });
                Local(3);

                void Local(int n)
                {
                    var body = {|MEM0030:Body.Create(n)|};
                    if (n > 0)
                        return;
                    Body.Destroy(body);
                }
            }
        }
        """);

    [Fact]
    public Task Quiet_inside_lambdas_that_free() => VerifyAsync(Usings + """
        class C
        {
            Func<int> M() => () =>
            {
                var body = Body.Create(2);
                int count = body.Value.Count;
                Body.Destroy(body);
                return count;
            };
        }
        """);

    // ---- async ----

    [Fact]
    public Task Reports_an_async_method_that_returns_early() => VerifyAsync(Usings + """
        class C
        {
            async Task<int> M(Task<int> work)
            {
                nint block = {|MEM0030:Az.Malloc<OSAllocator>(8)|};
                int result = await work;
                if (result < 0)
                    return result;
                Az.Free<OSAllocator>(block);
                return result;
            }
        }
        """);

    [Fact]
    public Task Quiet_for_an_async_method_that_frees_after_awaiting() => VerifyAsync(Usings + """
        class C
        {
            async Task M(Task work)
            {
                using var list = new NativeList<int>();
                nint block = Az.Malloc<OSAllocator>(8);
                try
                {
                    await work;
                    list.Add(1);
                }
                finally
                {
                    Az.Free<OSAllocator>(block);
                }
            }
        }
        """);

    // ---- handing on ----

    [Fact]
    public Task Quiet_when_the_block_is_returned_or_stored() => VerifyAsync(Usings + """
        unsafe class C
        {
            private nint _field;
            private NativeRef<Body> _body;

            nint Returned() => Az.Malloc<OSAllocator>(8);

            byte* ReturnedAsPointer()
            {
                byte* pointer = (byte*)Az.Malloc<OSAllocator>(8);
                return pointer;
            }

            void Stored(nint[] array, List<nint> list, out nint result, ref nint slot)
            {
                _field = Az.Malloc<OSAllocator>(8);
                _body = Body.Create(1);
                nint a = Az.Malloc<OSAllocator>(8);
                array[0] = a;
                nint b = Az.Malloc<OSAllocator>(8);
                list.Add(b);
                result = Az.Malloc<OSAllocator>(8);
                slot = Az.Malloc<OSAllocator>(8);
                nint c = Az.Malloc<OSAllocator>(8);
                var tuple = (c, 1);
                Console.WriteLine(tuple);
            }
        }
        """);

    // A creation stored straight into a field or an element is handed on at birth and does not get its body analysed on
    // its own account (the cost on code that keeps its blocks in fields); another creation in the body still does.
    [Fact]
    public Task A_block_stored_at_birth_does_not_hide_a_leak_beside_it() => VerifyAsync(Usings + """
        class C
        {
            private nint _field;
            private readonly nint[] _slots = new nint[1];

            void M()
            {
                _field = Az.Malloc<OSAllocator>(8);
                _slots[0] = Az.Malloc<OSAllocator>(8);
                nint leaked = {|MEM0030:Az.Malloc<OSAllocator>(8)|};
                Console.WriteLine(leaked);
            }
        }
        """);

    [Fact]
    public Task Reports_a_block_passed_to_a_method_that_only_uses_it() => VerifyAsync(Usings + """
        class C
        {
            void Use(nint block) { }

            void M()
            {
                nint block = {|MEM0030:Az.Malloc<OSAllocator>(8)|};
                Use(block);
            }
        }
        """);

    [Fact]
    public Task Quiet_when_a_parameter_takes_ownership() => VerifyAsync(Usings + """
        class Registry
        {
            public void Adopt([TakesOwnership] nint block) { }
            public void Keep(NativeList<int> list) { }
        }

        class C
        {
            void M(Registry registry)
            {
                registry.Adopt(Az.Malloc<OSAllocator>(8));
                var list = new NativeList<int>();
                registry.Keep(list);
            }
        }
        """, "memory_analyzers.mem0030.ownership_transfer_methods = Registry.Keep");

    [Fact]
    public Task Reports_a_method_not_named_as_taking_ownership() => VerifyAsync(Usings + """
        class Registry
        {
            public void Keep(NativeList<int> list) { }
        }

        class C
        {
            void M(Registry registry)
            {
                var list = {|MEM0030:new NativeList<int>()|};
                registry.Keep(list);
            }
        }
        """);

    // ---- the other allocation APIs ----

    [Fact]
    public Task Follows_allocators_reallocation_and_aliases() => VerifyAsync(Usings + """
        class C
        {
            void Quiet(IAllocator allocator)
            {
                nint block = allocator.Allocate(64);
                block = allocator.ReAllocate(block, 128);
                nint alias = block;
                allocator.DeAllocate(alias);

                nint grown = Az.Malloc<OSAllocator>(8);
                grown = Az.Realloc<OSAllocator>(grown, 16);
                Az.Free<OSAllocator>(grown);

                var handle = NativeObjects.Allocate<Body>(allocator, "body", null, 0);
                NativeObjects.Free(allocator, handle);
            }

            void Reported(IAllocator allocator)
            {
                nint block = {|MEM0030:allocator.Allocate(64)|};
                Console.WriteLine(block);
            }
        }
        """);

    [Fact]
    public Task Leaves_blocks_of_an_allocator_the_method_made_to_that_allocator() => VerifyAsync(Usings + """
        class C
        {
            void M(IAllocator given)
            {
                using var local = new OSAllocator();
                nint kept = local.Allocate(64);
                Console.WriteLine(kept);

                var shared = AllocatorInstance<OSAllocator>.Get();
                nint leaked = {|MEM0030:shared.Allocate(64)|};
                nint alsoLeaked = {|MEM0030:given.Allocate(64)|};
                Console.WriteLine(leaked + alsoLeaked);
            }
        }
        """);

    [Fact]
    public Task Follows_the_platform_allocator_unless_told_otherwise() => VerifyAsync(Usings + """
        unsafe class C
        {
            void M()
            {
                void* raw = {|MEM0030:NativeMemory.Alloc(16)|};
                Console.WriteLine((nint)raw);
                nint global = Marshal.AllocHGlobal(16);
                Marshal.FreeHGlobal(global);
            }
        }
        """);

    [Fact]
    public Task Follows_the_platform_string_copies() => VerifyAsync(Usings + """
        class C
        {
            void M(string text, bool fail)
            {
                nint ansi = {|MEM0030:Marshal.StringToHGlobalAnsi(text)|};
                nint wide = {|MEM0030:Marshal.StringToCoTaskMemUni(text)|};
                if (fail)
                    throw new InvalidOperationException(text);      // both copies leak here
                Marshal.FreeHGlobal(ansi);
                Marshal.FreeCoTaskMem(wide);
            }

            void Freed(string text)
            {
                nint utf8 = Marshal.StringToCoTaskMemUTF8(text);
                Console.WriteLine(utf8);
                Marshal.FreeCoTaskMem(utf8);
            }
        }
        """);

    [Fact]
    public Task Quiet_on_the_platform_allocator_when_its_lists_are_cleared() => VerifyAsync(Usings + """
        unsafe class C
        {
            void M()
            {
                void* raw = NativeMemory.Alloc(16);
                Console.WriteLine((nint)raw);
            }
        }
        """, "memory_analyzers.mem0030.allocation_methods =\nmemory_analyzers.mem0030.free_methods =");
}
