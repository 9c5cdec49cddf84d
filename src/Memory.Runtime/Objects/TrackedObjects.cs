using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Memory.Objects;

/// <summary>
/// Allocator tracking for class instances: what a generated <c>Create</c>/<c>Destroy</c> of a
/// <c>[ClassAllocator]</c> class calls. The object's memory is the garbage collector's; the allocator
/// tracks its lifetime.
/// </summary>
/// <remarks>
/// Each tracked object owns one zero-byte block from its allocator, allocated through the allocator's
/// ordinary <see cref="IAllocator.Allocate"/> with the call site of <c>Create</c>. So the allocator's live
/// count, records and leak report cover objects with no tracking API of their own: an object created and
/// never destroyed shows up as a live block at the line that created it, even after the garbage collector
/// has reclaimed it. The bytes an object adds to <see cref="IAllocator.NumAllocatedBytes"/> are the
/// allocator's usable size for a zero-byte request (0 for the C heap), not the object's managed size.
/// The block is tied to the object through a <see cref="ConditionalWeakTable{TKey, TValue}"/>, so tracking
/// never keeps an object alive.
/// </remarks>
// Called by generated code, not by users: hidden from completion lists so the real API stands alone there.
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TrackedObjects
{
    private static ConditionalWeakTable<object, Token>? s_tokens;

    // Created on first use, not in the type initialiser (rule MEM0003).
    private static ConditionalWeakTable<object, Token> Tokens
        => s_tokens ?? LazyInitializer.EnsureInitialized(ref s_tokens, static () => new());

    /// <summary>Starts tracking <paramref name="instance"/> in <paramref name="allocator"/>.</summary>
    /// <param name="instance">A newly created object.</param>
    /// <param name="allocator">The allocator that tracks it.</param>
    /// <param name="name">The label tracking records, usually the type's name.</param>
    /// <param name="file">The calling file.</param>
    /// <param name="line">The calling line.</param>
    /// <exception cref="InvalidOperationException">The object is already tracked.</exception>
    /// <exception cref="OutOfMemoryException">The allocator could not provide the tracking block.</exception>
    public static void Track(object instance, IAllocator allocator, string? name, string? file, int line)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(allocator);
        nint block = allocator.Allocate(0, 0, name, file, line);
        if (block == 0)
            throw new OutOfMemoryException($"{allocator.Name} could not allocate the tracking block of {name ?? instance.GetType().Name}.");
        if (!Tokens.TryAdd(instance, new Token(allocator, block)))
        {
            allocator.DeAllocate(block);
            throw new InvalidOperationException($"The {name ?? instance.GetType().Name} is already tracked by an allocator.");
        }
    }

    /// <summary>Whether <paramref name="instance"/> was created through tracking and not destroyed yet.</summary>
    public static bool IsTracked(object instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Tokens.TryGetValue(instance, out _);
    }

    /// <summary>The allocator tracking <paramref name="instance"/>, or null when it is not tracked.</summary>
    public static IAllocator? AllocatorOf(object instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Tokens.TryGetValue(instance, out var token) ? token.Allocator : null;
    }

    /// <summary>
    /// Ends the tracking of <paramref name="instance"/> (its block returns to the allocator), then disposes it
    /// when it is <see cref="IDisposable"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The object was not created through tracking, or was destroyed already.
    /// </exception>
    public static void Destroy(object instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        // Remove is the atomic claim: of two racing Destroy calls exactly one gets the token.
        if (!Tokens.TryGetValue(instance, out var token) || !Tokens.Remove(instance))
            throw new InvalidOperationException(
                $"Destroy of a {instance.GetType().Name} that was not made by its Create, or was destroyed already.");
        token.Allocator.DeAllocate(token.Block);
        (instance as IDisposable)?.Dispose();
    }

    private sealed class Token(IAllocator allocator, nint block)
    {
        public IAllocator Allocator { get; } = allocator;

        public nint Block { get; } = block;
    }
}
