namespace Memory.Runtime.Tests.BestFitExternal;

/// <summary>
/// The obvious best fit, written for clarity rather than speed: free intervals in a list sorted by
/// offset, scanned in full on every allocation. The model check expects the schema to make exactly the
/// same choices (smallest fitting hole, lowest offset among equals).
/// </summary>
internal sealed class ReferenceBestFit
{
    private readonly List<(long Offset, long Length)> _free = [];
    private readonly Dictionary<long, long> _allocated = [];
    private readonly long _granule;
    private readonly long _usable;

    public ReferenceBestFit(long length, long granule)
    {
        _granule = granule;
        _usable = length / granule * granule;
        if (_usable > 0)
            _free.Add((0, _usable));
    }

    public IReadOnlyList<(long Offset, long Length)> Free => _free;

    public long AllocatedBytes => _allocated.Values.Sum();

    public long LargestFree => _free.Count == 0 ? 0 : _free.Max(block => block.Length);

    public long LengthOf(long offset) => _allocated[offset];

    /// <returns>The offset, or -1.</returns>
    public long Allocate(long size, long alignment)
    {
        if (size > _usable)
            return -1;
        long length = Round(size);
        alignment = Math.Max(alignment, _granule);

        int best = -1;
        long bestStart = 0;
        for (int i = 0; i < _free.Count; i++)
        {
            var (offset, holeLength) = _free[i];
            long start = (offset + alignment - 1) / alignment * alignment;
            if (start + length > offset + holeLength)
                continue;
            if (best < 0 || holeLength < _free[best].Length)
            {
                best = i;
                bestStart = start;
            }
        }
        if (best < 0)
            return -1;

        var hole = _free[best];
        _free.RemoveAt(best);
        if (bestStart + length < hole.Offset + hole.Length)
            _free.Insert(best, (bestStart + length, hole.Offset + hole.Length - bestStart - length));
        if (bestStart > hole.Offset)
            _free.Insert(best, (hole.Offset, bestStart - hole.Offset));
        _allocated.Add(bestStart, length);
        return bestStart;
    }

    public void Release(long offset)
    {
        long length = _allocated[offset];
        _allocated.Remove(offset);
        AddFree(offset, length);
    }

    /// <returns>The offset when the block could be resized where it is, -1 otherwise.</returns>
    public long TryResize(long offset, long newSize, long alignment)
    {
        long length = _allocated[offset];
        if (offset % Math.Max(alignment, _granule) != 0 || newSize > _usable)
            return -1;
        long newLength = Round(newSize);
        if (newLength < length)
        {
            _allocated[offset] = newLength;
            AddFree(offset + newLength, length - newLength);
        }
        else if (newLength > length)
        {
            int right = _free.FindIndex(block => block.Offset == offset + length);
            if (right < 0 || _free[right].Length < newLength - length)
                return -1;
            var block = _free[right];
            long taken = newLength - length;
            if (block.Length == taken)
                _free.RemoveAt(right);
            else
                _free[right] = (block.Offset + taken, block.Length - taken);
            _allocated[offset] = newLength;
        }
        return offset;
    }

    private long Round(long size) => size == 0 ? _granule : (size + _granule - 1) / _granule * _granule;

    private void AddFree(long offset, long length)
    {
        int index = _free.FindIndex(block => block.Offset > offset);
        if (index < 0)
            index = _free.Count;
        _free.Insert(index, (offset, length));

        // Merge with the right neighbour, then the left.
        if (index + 1 < _free.Count && _free[index].Offset + _free[index].Length == _free[index + 1].Offset)
        {
            _free[index] = (_free[index].Offset, _free[index].Length + _free[index + 1].Length);
            _free.RemoveAt(index + 1);
        }
        if (index > 0 && _free[index - 1].Offset + _free[index - 1].Length == _free[index].Offset)
        {
            _free[index - 1] = (_free[index - 1].Offset, _free[index - 1].Length + _free[index].Length);
            _free.RemoveAt(index);
        }
    }
}
