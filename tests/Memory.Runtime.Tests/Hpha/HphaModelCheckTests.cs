using Memory.Runtime.Tests.Testing;
using Memory.Schemas;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>A million random operations across every kind of block, checked against a model.</summary>
public sealed class HphaModelCheckTests
{
    private const int KiB = 1024;

    /// <summary>
    /// Sizes weighted like real programs (mostly small, some medium, few large) so that every path runs often
    /// while the bytes written and verified stay within a few seconds.
    /// </summary>
    private static nint NextSize(Random random)
    {
        int roll = random.Next(100_000);
        if (roll < 60_000)
            return random.Next(0, 1025);                                                       // small buckets
        if (roll < 99_400)
            return (nint)Math.Exp(random.NextDouble() * Math.Log(16 * KiB / 1025.0)) + 1025;  // tree, log-uniform
        if (roll < 99_950)
            return (nint)(Math.Exp(random.NextDouble() * Math.Log(16.0)) * 16 * KiB);        // large tree blocks
        return random.Next(256 * KiB + 1, 2048 * KiB);                                      // big blocks
    }

    private static nint NextAlignment(Random random)
        => random.Next(4) == 0 ? (nint)1 << random.Next(0, 13) : 0;       // a quarter aligned, 1 .. 4096

    [Theory]
    [InlineData(1000)]  // the default retention of empty chunks
    [InlineData(0)]     // chunks returned to the OS as soon as they empty
    public void A_million_operations_agree_with_the_model(int emptyChunkRetentionMs)
    {
        using var allocator = new SystemAllocator(new HphaOptions { EmptyChunkRetention = TimeSpan.FromMilliseconds(emptyChunkRetentionMs) });
        var result = ModelCheck.Run(allocator, seed: 20240611, operations: 1_000_000, new ModelCheckOptions
        {
            NextSize = NextSize,
            NextAlignment = NextAlignment,
            DefaultAlignment = HphaSchema.DefaultAlignment,
            MaxLiveBlocks = 2000,
        });

        Assert.True(result.Allocations > 300_000, $"allocations {result.Allocations}");
        Assert.True(result.ReAllocations > 100_000, $"reallocations {result.ReAllocations}");
        Assert.True(result.PeakLiveBlocks > 1000);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData(1, 1000)]   // the default retention of empty chunks
    [InlineData(2, 0)]      // chunks returned to the OS as soon as they empty
    [InlineData(3, -1)]     // chunks kept until garbage collection
    public void The_tree_stays_valid_through_random_work(int seed, int emptyChunkRetentionMs)
    {
        var schema = new HphaSchema(new HphaOptions
        {
            EmptyPagesKeptPerBucket = 0,
            EmptyChunkRetention = TimeSpan.FromMilliseconds(emptyChunkRetentionMs),
        });
        var random = new Random(seed);
        var live = new List<nint>();
        for (int op = 0; op < 20_000; op++)
        {
            if (live.Count > 0 && random.Next(100) < 45)
            {
                int index = random.Next(live.Count);
                schema.DeAllocate(live[index], 0, 0);
                live[index] = live[^1];
                live.RemoveAt(live.Count - 1);
            }
            else if (live.Count > 0 && random.Next(100) < 20)
            {
                int index = random.Next(live.Count);
                live[index] = schema.ReAllocate(live[index], NextSize(random), NextAlignment(random));
            }
            else
            {
                live.Add(schema.Allocate(NextSize(random), NextAlignment(random)));
            }

            if (op % 500 == 0)
                Assert.Null(schema.Validate());
        }
        foreach (nint pointer in live)
            schema.DeAllocate(pointer, 0, 0);
        Assert.Null(schema.Validate());
        Assert.Equal(0, schema.NumAllocatedBytes);
        schema.GarbageCollect();
        Assert.Equal(0, schema.FreeBlockCount);
        Assert.Equal(0, schema.ReservedBytes);
    }
}
