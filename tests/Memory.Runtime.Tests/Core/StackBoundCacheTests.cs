using System.Runtime.CompilerServices;
using Memory.Internal;
using Memory.Runtime.Tests.Testing;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// The protocol by which threads find their cache from their stack page (<see cref="StackBoundCache"/>,
/// <see cref="StackCacheSlots"/>): only a thread on the bound page enters, a thread on another page writes nothing, and
/// a retirer waits for the thread inside before it may empty the cache, after which nobody enters.
/// </summary>
public sealed class StackBoundCacheTests
{
    private sealed class Cache : StackBoundCache;

    // Each test owns its slots; the struct lives in a class so that every call sees the same slots.
    private sealed class Heap
    {
        public StackCacheSlots Slots;
    }

    [Fact]
    public void The_thread_that_bound_the_cache_enters_it_and_a_thread_on_another_stack_does_not()
    {
        var heap = new Heap();
        var cache = new Cache();
        Assert.True(Bind(heap, cache));

        Assert.True(EnterHere(heap, out StackBoundCache? entered));
        Assert.Same(cache, entered);
        Assert.True(cache.IsBusy);
        entered!.Leave();
        Assert.False(cache.IsBusy);

        bool enteredElsewhere = true;
        OnThread.Run(() => enteredElsewhere = EnterHere(heap, out _));
        Assert.False(enteredElsewhere);
    }

    [Fact]
    public void A_thread_on_another_page_leaves_the_mark_of_the_thread_inside_as_it_is()
    {
        var heap = new Heap();
        var cache = new Cache();
        Assert.True(Bind(heap, cache));
        Assert.True(EnterHere(heap, out _));

        // Another thread's page is never the bound one, whatever slot it maps to: it must not touch the mark.
        bool entered = true;
        OnThread.Run(() => entered = cache.TryEnter(StackBoundCache.CurrentPage()));

        Assert.False(entered);
        Assert.True(cache.IsBusy);
        cache.Leave();
    }

    [Fact]
    public void A_retirer_waits_for_the_thread_inside_and_nobody_enters_after_it()
    {
        var heap = new Heap();
        var cache = new Cache();
        using var inside = new ManualResetEventSlim();
        using var leave = new ManualResetEventSlim();
        bool enteredAfter = true;
        var user = new Thread(() =>
        {
            Assert.True(Bind(heap, cache));
            Assert.True(EnterHere(heap, out _));
            inside.Set();
            leave.Wait();
            cache.Leave();
            inside.Reset();
            // The same page as before: the cache is no longer reachable from it.
            enteredAfter = EnterHere(heap, out _);
            inside.Set();
        });
        user.Start();
        inside.Wait();

        bool detached = false;
        var retirer = new Thread(() => detached = cache.TryDetach(ref heap.Slots));
        retirer.Start();
        Assert.False(retirer.Join(200), "the retirer went on while a thread was inside the cache");
        leave.Set();
        Assert.True(retirer.Join(10_000));
        Assert.True(detached);
        user.Join();

        Assert.False(enteredAfter);
        Assert.False(cache.IsBusy);
    }

    [Fact]
    public void A_retirer_gives_up_on_a_cache_whose_user_never_leaves_and_can_try_again()
    {
        var heap = new Heap();
        var cache = new Cache();
        OnThread.Run(() =>
        {
            Assert.True(Bind(heap, cache));
            Assert.True(EnterHere(heap, out _));  // and never leaves, as if an exception had passed by
        });

        Assert.False(cache.TryDetach(ref heap.Slots));
        Assert.True(cache.IsBusy);

        cache.Leave();
        Assert.True(cache.TryDetach(ref heap.Slots));
    }

    [Fact]
    public void A_slot_has_one_holder_and_is_free_again_once_its_holder_is_detached()
    {
        var heap = new Heap();
        var first = new Cache();
        var second = new Cache();
        nuint page = StackBoundCache.CurrentPage();

        Assert.True(heap.Slots.TryClaim(first, page));
        Assert.False(heap.Slots.TryClaim(second, page));
        Assert.Equal(-1, second.Slot);
        Assert.Same(first, heap.Slots.At(page));

        heap.Slots.Release(first.Slot, second);  // not the holder: nothing changes
        Assert.Same(first, heap.Slots.At(page));

        Assert.True(first.TryDetach(ref heap.Slots));
        Assert.Null(heap.Slots.At(page));
        Assert.True(heap.Slots.TryClaim(second, page));
    }

    [Theory]
    [InlineData(8 * 1024 * 1024 + 4096)]  // glibc's default, with its guard page
    [InlineData(8 * 1024 * 1024)]
    [InlineData(2 * 1024 * 1024 + 4096)]
    [InlineData(1536 * 1024)]
    [InlineData(1024 * 1024 + 4096)]
    public void Any_eight_neighbouring_stacks_fall_into_eight_different_slots(long stride)
    {
        const ulong top = 0x7f3a_1c00_0000;
        for (int first = 0; first < 256; first++)
        {
            var slots = new HashSet<int>();
            for (int i = first; i < first + 8; i++)
                slots.Add(StackCacheSlots.SlotOf((nuint)(top - (ulong)(i * stride)) & ~(nuint)4095));
            Assert.Equal(8, slots.Count);
        }
    }

    [Fact]
    public void Four_stacks_at_random_places_seldom_share_a_slot()
    {
        // The C library places stacks among other mappings, so live threads' slots fall as if at random: with 8 slots
        // two of four threads shared one in more than half of the placements.
        var random = new Random(12345);
        int shared = 0;
        const int Placements = 10_000;
        for (int placement = 0; placement < Placements; placement++)
        {
            var slots = new HashSet<int>();
            for (int thread = 0; thread < 4; thread++)
                slots.Add(StackCacheSlots.SlotOf((nuint)random.NextInt64(0x7f00_0000_0000, 0x7fff_0000_0000) & ~(nuint)4095));
            if (slots.Count < 4)
                shared++;
        }
        Assert.InRange(shared, 0, Placements / 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Bind(Heap heap, Cache cache) => BindOrEnter(heap, cache, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool EnterHere(Heap heap, out StackBoundCache? entered) => BindOrEnter(heap, null, out entered);

    // One frame for both, so that calls from one place of a test run on the same stack page.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool BindOrEnter(Heap heap, Cache? bind, out StackBoundCache? entered)
    {
        nuint page = StackBoundCache.CurrentPage();
        if (bind is not null)
        {
            entered = null;
            return heap.Slots.TryClaim(bind, page);
        }
        entered = heap.Slots.TryEnter(page);
        return entered is not null;
    }
}
