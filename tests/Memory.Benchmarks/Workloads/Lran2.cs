namespace Memory.Benchmarks.Workloads;

/// <summary>
/// Wolfram Gloger's small portable generator (a linear congruential generator behind a 97-entry shuffle
/// table), the one larson and xmalloc-test draw their sizes and victims from; reproduced so the ports make
/// the same sequence of requests.
/// </summary>
public struct Lran2
{
    private const long Max = 714025;
    private const long Multiplier = 1366;
    private const long Increment = 150889;
    private const int TableSize = 97;

    // Unused longs either side of the table (a cache line each): generators of different threads, whose tables are
    // allocated one after another, must not share a cache line the original program does not share.
    private const int Guard = 8;

    private readonly long[] _table;
    private long _x;
    private long _y;

    /// <summary>Seeds the generator.</summary>
    public Lran2(long seed)
    {
        _table = new long[Guard + TableSize + Guard];
        long x = Math.Abs((Increment - seed) % Max);
        for (int j = 0; j < TableSize; j++)
        {
            x = (Multiplier * x + Increment) % Max;
            _table[Guard + j] = x;
        }
        _x = (Multiplier * x + Increment) % Max;
        _y = _x;
    }

    /// <summary>The next value, in [0, 714025).</summary>
    public long Next()
    {
        int j = Guard + (int)(_y % TableSize);
        _y = _table[j];
        _x = (Multiplier * _x + Increment) % Max;
        _table[j] = _x;
        return _y;
    }
}
