using static Memory.Analyzers.Tests.Lifetime.LifetimeTest;

namespace Memory.Analyzers.Tests.Lifetime;

/// <summary>MEM0031: a second free, or a use, on paths where the block is freed already.</summary>
public sealed class NativeUseAfterFreeTests
{
    private const string Usings = """
        using System;
        using Memory;
        using Memory.Containers;
        using Memory.Objects;
        using Game;

        """;

    [Fact]
    public Task Reports_a_second_free() => VerifyAsync(Usings + """
        class C
        {
            void M(IAllocator allocator)
            {
                nint block = Az.Malloc<OSAllocator>(64);
                Az.Free<OSAllocator>(block);
                {|#0:Az.Free<OSAllocator>(block)|};

                var body = Body.Create(1);
                var copy = body;
                Body.Destroy(body);
                {|MEM0031:Body.Destroy(copy)|};

                nint raw = allocator.Allocate(8);
                allocator.DeAllocate(raw);
                {|MEM0031:allocator.DeAllocate(raw)|};
            }
        }
        """, [Misuse(0).WithArguments("block", "is freed again", 11)]);

    [Fact]
    public Task Reports_a_use_after_the_free() => VerifyAsync(Usings + """
        unsafe class C
        {
            void Use(nint block) { }

            int M()
            {
                var body = Body.Create(1);
                Body.Destroy(body);
                int count = {|MEM0031:body|}.Value.Count;

                nint block = Az.Malloc<OSAllocator>(64);
                Az.Free<OSAllocator>(block);
                Use({|MEM0031:block|});
                *(int*){|MEM0031:block|} = 1;

                var list = new NativeList<int>();
                list.Dispose();
                {|MEM0031:list|}.Add(1);
                return count;
            }
        }
        """);

    [Fact]
    public Task Reports_a_free_in_a_loop_of_a_block_made_outside_it() => VerifyAsync(Usings + """
        class C
        {
            void M(int n)
            {
                nint block = Az.Malloc<OSAllocator>(64);
                Az.Free<OSAllocator>(block);
                for (int i = 0; i < n; i++)
                    {|MEM0031:Az.Free<OSAllocator>(block)|};
            }
        }
        """);

    [Fact]
    public Task Quiet_when_the_variable_is_cleared_or_freed_on_some_paths_only() => VerifyAsync(Usings + """
        class C
        {
            void M(bool flag)
            {
                nint block = Az.Malloc<OSAllocator>(64);
                Az.Free<OSAllocator>(block);
                block = 0;
                Az.Free<OSAllocator>(block);

                // Freed on one path only: the use is not reported, the leak on the other path is.
                nint other = {|MEM0030:Az.Malloc<OSAllocator>(64)|};
                if (flag)
                    Az.Free<OSAllocator>(other);
                Console.WriteLine(other);

                nint asked = Az.Malloc<OSAllocator>(64);
                Az.Free<OSAllocator>(asked);
                Console.WriteLine(AllocatorInstance<OSAllocator>.Get().Records.Contains(asked));

                var body = Body.Create(1);
                Body.Destroy(body);
                Console.WriteLine(body.IsNull);
                Console.WriteLine(body.Address);
                Console.WriteLine(body == default);
            }
        }
        """);

    [Fact]
    public Task Quiet_for_a_second_dispose_which_dotnet_allows() => VerifyAsync(Usings + """
        class C
        {
            void M()
            {
                var list = new NativeList<int>();
                list.Dispose();
                list.Dispose();
                Console.WriteLine(list.IsDisposed);
            }
        }
        """);

    [Fact]
    public Task Quiet_for_a_loop_that_allocates_and_frees_each_time() => VerifyAsync(Usings + """
        class C
        {
            void M(int n)
            {
                for (int i = 0; i < n; i++)
                {
                    nint block = Az.Malloc<OSAllocator>(64);
                    Console.WriteLine(block);
                    Az.Free<OSAllocator>(block);
                }
            }
        }
        """);
}
