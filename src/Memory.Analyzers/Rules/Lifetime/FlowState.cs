namespace Memory.Analyzers.Rules.Lifetime;

/// <summary>
/// What one point of a method knows: for each allocation site, which states its block may be in (a union over the
/// paths that reach the point), and for each variable, which sites' blocks it may hold.
/// </summary>
internal sealed class FlowState
{
    /// <summary>The block was created and nothing has freed or handed it on yet.</summary>
    public const byte Live = 1;

    /// <summary>The block was freed (or its container disposed).</summary>
    public const byte Freed = 2;

    /// <summary>The block left the method's care: returned, stored, passed on with ownership, or known to be null.</summary>
    public const byte Released = 4;

    private FlowState(byte[] blocks, int[] freedLines, ulong[] variables)
    {
        Blocks = blocks;
        FreedLines = freedLines;
        Variables = variables;
    }

    public FlowState(int sites, int variables)
        : this(new byte[sites], new int[sites], new ulong[variables])
    {
    }

    /// <summary>Per allocation site: a union of <see cref="Live"/>, <see cref="Freed"/>, <see cref="Released"/>; 0 before it ran.</summary>
    public byte[] Blocks { get; }

    /// <summary>Per allocation site: the line that freed it, for the message of a second free.</summary>
    public int[] FreedLines { get; }

    /// <summary>Per variable (local or flow capture): the bit set of allocation sites it may hold.</summary>
    public ulong[] Variables { get; }

    public FlowState Clone() => new((byte[])Blocks.Clone(), (int[])FreedLines.Clone(), (ulong[])Variables.Clone());

    /// <summary>Adds the paths of <paramref name="other"/>; whether anything changed.</summary>
    public bool MergeFrom(FlowState other)
    {
        bool changed = false;
        for (int i = 0; i < Blocks.Length; i++)
        {
            byte merged = (byte)(Blocks[i] | other.Blocks[i]);
            changed |= merged != Blocks[i];
            Blocks[i] = merged;
            FreedLines[i] = Math.Max(FreedLines[i], other.FreedLines[i]);
        }
        for (int i = 0; i < Variables.Length; i++)
        {
            ulong merged = Variables[i] | other.Variables[i];
            changed |= merged != Variables[i];
            Variables[i] = merged;
        }
        return changed;
    }

    /// <summary>Whether every site in <paramref name="sites"/> is freed on every path (and there is at least one).</summary>
    public bool AllFreed(ulong sites)
    {
        if (sites == 0)
            return false;
        for (int i = 0; i < Blocks.Length; i++)
        {
            if ((sites & (1UL << i)) != 0 && Blocks[i] != Freed)
                return false;
        }
        return true;
    }

    /// <summary>Sets every site in <paramref name="sites"/> to <paramref name="state"/> on this path.</summary>
    public void Set(ulong sites, byte state, int freedLine = 0)
    {
        for (int i = 0; i < Blocks.Length; i++)
        {
            if ((sites & (1UL << i)) == 0)
                continue;
            Blocks[i] = state;
            if (state == Freed)
                FreedLines[i] = freedLine;
        }
    }

    /// <summary>The line of the free of the first site in <paramref name="sites"/>.</summary>
    public int FreedLine(ulong sites)
    {
        for (int i = 0; i < Blocks.Length; i++)
        {
            if ((sites & (1UL << i)) != 0)
                return FreedLines[i];
        }
        return 0;
    }
}
