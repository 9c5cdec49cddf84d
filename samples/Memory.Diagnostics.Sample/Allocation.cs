using System.Runtime.InteropServices;
using Memory;

namespace Memory.Diagnostics.Sample;

/// <summary>An unmanaged struct that names its allocator: it is made with the generated <c>Create</c>.</summary>
[ClassAllocator(typeof(SystemAllocator))]
public partial struct Bullet
{
    public float X;

    public Bullet(float x) => X = x;
}

internal static class Allocation
{
    public static void Show()
    {
        var raw = new Bullet(1);                                    // MEM0001: raw new of an allocator-managed type
        Bullet target = new(2);                                     // MEM0001: target-typed new too
        Console.WriteLine(raw.X + target.X);

        nint block = Marshal.AllocHGlobal(64);                      // MEM0002: raw native allocation
        Marshal.FreeHGlobal(block);                                 // MEM0002

        nint pooled = Az.Malloc<PoolAllocator>(64);
        Az.Free<SystemAllocator>(pooled);                           // MEM0007: freed into another allocator
    }
}
