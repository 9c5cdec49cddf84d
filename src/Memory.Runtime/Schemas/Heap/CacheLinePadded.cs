using System.Runtime.InteropServices;

namespace Memory.Schemas;

/// <summary>
/// A counter alone on its cache line: 64 bytes of nothing on either side, so that writing it does not
/// slow down threads reading the fields next to it (false sharing). Also pads the object holding it to
/// more than two cache lines, so that two such objects allocated together do not share a line.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 2 * 64)]
internal struct CacheLinePadded
{
    [FieldOffset(64)]
    public long Value;
}
