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

    private readonly long[] _table;
    private long _x;
    private long _y;

    /// <summary>Seeds the generator.</summary>
    public Lran2(long seed)
    {
        _table = new long[97];
        long x = Math.Abs((Increment - seed) % Max);
        for (int j = 0; j < _table.Length; j++)
        {
            x = (Multiplier * x + Increment) % Max;
            _table[j] = x;
        }
        _x = (Multiplier * x + Increment) % Max;
        _y = _x;
    }

    /// <summary>The next value, in [0, 714025).</summary>
    public long Next()
    {
        int j = (int)(_y % 97);
        _y = _table[j];
        _x = (Multiplier * _x + Increment) % Max;
        _table[j] = _x;
        return _y;
    }
}
