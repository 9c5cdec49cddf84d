using Memory.Runtime.Tests.Testing;
using Memory.Schemas;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>
/// Pages and the thread caches that refill from them: a cache draws from pages of its own while it has them, so two
/// threads' blocks do not share pages (nor cache lines); and a bucket takes over another cache's page rather than
/// growing a page for every thread that ever used it.
/// </summary>
public sealed class PageOwnerTests
{
    private const int Size = 64;
    private static readonly HphaOptions Options = HphaOptions.Default;

    [Fact]
    public void Two_threads_allocating_one_size_get_blocks_from_different_pages()
    {
        var schema = new HphaSchema(Options);
        nint[] mine = SchemaBlocks.Allocate(schema, Size, 1_000);
        nint[] theirs = [];
        OnThread.Run(() => theirs = SchemaBlocks.Allocate(schema, Size, 1_000));

        // 1,000 blocks leave this thread's last page part used: before pages had owners, the other thread's first refill
        // took the rest of it.
        Assert.Empty(PagesOf(mine).Intersect(PagesOf(theirs)));

        SchemaBlocks.Free(schema, mine);
        OnThread.Run(() => SchemaBlocks.Free(schema, theirs));
        schema.GarbageCollect();
        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Null(schema.Validate());
    }

    [Fact]
    public void A_bucket_whose_pages_with_room_all_belong_to_another_cache_takes_one_over_instead_of_growing()
    {
        var schema = new HphaSchema(Options);
        nint[] held = SchemaBlocks.Allocate(schema, Size, 8_000);
        // Every other block back: each page of this thread's is left half used, on the bucket's list of pages with room
        // (the cache's lists overflow into the bucket as they fill).
        SchemaBlocks.Free(schema, [.. held.Where((_, i) => i % 2 == 1)]);
        nint[] kept = [.. held.Where((_, i) => i % 2 == 0)];
        var ownerPages = PagesOf(held);

        nint[] theirs = [];
        OnThread.Run(() => theirs = SchemaBlocks.Allocate(schema, Size, 2_000));  // more than the four batches the bucket may hold
        Assert.Subset(ownerPages, PagesOf(theirs));

        SchemaBlocks.Free(schema, kept);
        OnThread.Run(() => SchemaBlocks.Free(schema, theirs));
        schema.GarbageCollect();
        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Null(schema.Validate());
    }

    private static HashSet<nint> PagesOf(IEnumerable<nint> blocks) => [.. blocks.Select(block => block & ~(nint)(Options.PageSize - 1))];
}
