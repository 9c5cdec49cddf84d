using System.Runtime.CompilerServices;
using Memory.Schemas;

namespace Memory.Tracking;

/// <summary>
/// The <c>Global</c> category: raw allocations made while the memory system cannot serve them, taken
/// straight from the OS and recorded so that their frees find their way back here.
/// </summary>
/// <remarks>
/// <para>
/// As in Lumberyard, allocations made before the allocators are up go to the OS and are tracked apart.
/// Here that means a raw allocation through <see cref="Az"/> for an allocator type whose shared instance
/// cannot be used: because that instance is being constructed on this thread (its construction
/// allocates through <see cref="Az"/> from itself), or because <see cref="AllocatorManager.Shutdown"/> has run
/// (static de-initialisation: finalizers, exit handlers). Such blocks are freed through <see cref="Az"/>
/// as usual and come back here.
/// </para>
/// <para>
/// It always keeps records (so it knows its blocks) and is created on first use, not through
/// <see cref="AllocatorInstance{T}"/>, so it exists whatever state the environment is in.
/// </para>
/// </remarks>
internal sealed class GlobalAllocator : AllocatorBase<OSSchema>
{
    /// <summary>The name it reports under.</summary>
    public const string CategoryName = "Global";

    private static readonly object Gate = new();
    private static GlobalAllocator? s_instance;
    private static int s_liveBlocks;

    private GlobalAllocator()
        : base(CategoryName, "Allocations made while the memory system was not up (static initialisation, shutdown), straight from the OS",
            default, parent: null, minimumMode: TrackingMode.Records)
    {
    }

    /// <summary>The category's allocator, created on first use.</summary>
    public static GlobalAllocator Instance
    {
        get
        {
            var instance = Volatile.Read(ref s_instance);
            if (instance is not null)
                return instance;
            lock (Gate)
                return s_instance ??= new GlobalAllocator();
        }
    }

    /// <summary>Allocates a block in the category.</summary>
    public static nint AllocateBlock(nint size, nint alignment, string? name, string? file, int line)
    {
        nint pointer = Instance.Allocate(size, alignment, name, file, line);
        if (pointer != 0)
            Interlocked.Increment(ref s_liveBlocks);
        return pointer;
    }

    /// <summary>Frees <paramref name="pointer"/> if it is a live block of the category; cheap when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryFree(nint pointer)
        => Volatile.Read(ref s_liveBlocks) != 0 && TryFreeSlow(pointer);

    /// <summary>Resizes <paramref name="pointer"/> if it is a live block of the category.</summary>
    public static bool TryReAllocate(nint pointer, nint newSize, nint newAlignment, out nint moved)
    {
        moved = 0;
        if (Volatile.Read(ref s_liveBlocks) == 0 || !Instance.Records.Contains(pointer))
            return false;
        moved = Instance.ReAllocate(pointer, newSize, newAlignment);
        if (newSize == 0)
            Interlocked.Decrement(ref s_liveBlocks);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryFreeSlow(nint pointer)
    {
        var instance = Instance;
        if (!instance.Records.Contains(pointer))
            return false;
        instance.DeAllocate(pointer);
        Interlocked.Decrement(ref s_liveBlocks);
        return true;
    }
}
