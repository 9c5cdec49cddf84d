using System.Runtime.InteropServices;
using Memory.Objects;

namespace Memory.Generators.Tests.Runtime;

/// <summary>The handle generated code returns for unmanaged structs.</summary>
public sealed class NativeRefTests
{
    private struct Pair
    {
        public int A;
        public int B;
    }

    [Fact]
    public void Value_reads_and_writes_native_memory()
    {
        nint block = OSAllocator.Instance.Allocate(TypeLayout<Pair>.Size, TypeLayout<Pair>.Alignment);
        try
        {
            var handle = new NativeRef<Pair>(block);
            handle.Value = new Pair { A = 1, B = 2 };
            handle.Value.B = 5;
            Assert.Equal(new[] { 1, 5 }, MemoryMarshal.Cast<Pair, int>(handle.AsSpan()).ToArray());
            Assert.Equal(block, handle.Address);
            Assert.False(handle.IsNull);
        }
        finally
        {
            OSAllocator.Instance.DeAllocate(block);
        }
    }

    [Fact]
    public unsafe void Converts_to_and_from_a_pointer()
    {
        Pair pair = new() { A = 3, B = 4 };
        NativeRef<Pair> handle = (NativeRef<Pair>)(&pair);
        Pair* pointer = handle;
        Assert.Equal((nint)(&pair), (nint)pointer);
        Assert.Equal(4, pointer->B);
    }

    [Fact]
    public void Null_handles_are_equal_and_refuse_Value()
    {
        NativeRef<Pair> handle = default;
        Assert.True(handle.IsNull);
        Assert.Equal(NativeRef<Pair>.Null, handle);
        Assert.True(handle == NativeRef<Pair>.Null);
        Assert.True(handle.AsSpan().IsEmpty);
        Assert.Throws<NullReferenceException>(() => handle.Value.A);
    }

    [Fact]
    public void Equality_is_by_address()
    {
        var a = new NativeRef<Pair>(64);
        var b = new NativeRef<Pair>(64);
        var c = new NativeRef<Pair>(128);
        Assert.True(a == b);
        Assert.True(a != c);
        Assert.True(a.Equals((object)b));
        Assert.False(a.Equals(c));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("NativeRef<Pair>(0x40)", a.ToString());
    }
}

/// <summary>Sizes and alignments as the runtime lays the types out.</summary>
public sealed class TypeLayoutTests
{
#pragma warning disable CS0649 // The structs are only measured.
    private struct Bytes3
    {
        public byte A, B, C;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 2)]
    private struct Packed
    {
        public byte A;
        public long B;
    }

    private struct WithLong
    {
        public byte A;
        public long B;
    }

#pragma warning restore CS0649

    [Fact]
    public void Alignment_is_the_types_own()
    {
        Assert.Equal(1, TypeLayout<byte>.Alignment);
        Assert.Equal(1, TypeLayout<Bytes3>.Alignment);
        Assert.Equal(3, TypeLayout<Bytes3>.Size);
        Assert.Equal(4, TypeLayout<int>.Alignment);
        Assert.Equal(8, TypeLayout<WithLong>.Alignment);
        Assert.Equal(16, TypeLayout<WithLong>.Size);
        Assert.Equal(2, TypeLayout<Packed>.Alignment);
        Assert.Equal(10, TypeLayout<Packed>.Size);
    }
}
