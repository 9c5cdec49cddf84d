using Memory.Schemas;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>Blocks of one size allocated from and freed to an <see cref="HphaSchema"/> directly, for the schema's tests.</summary>
internal static class SchemaBlocks
{
    /// <summary><paramref name="count"/> blocks of <paramref name="size"/> bytes; fails the test if one cannot be had.</summary>
    public static nint[] Allocate(HphaSchema schema, int size, int count)
    {
        var blocks = new nint[count];
        for (int i = 0; i < count; i++)
        {
            blocks[i] = schema.Allocate(size, 0);
            Assert.NotEqual(0, blocks[i]);
        }
        return blocks;
    }

    /// <summary>Frees every block, on the calling thread.</summary>
    public static void Free(HphaSchema schema, IEnumerable<nint> blocks)
    {
        foreach (nint block in blocks)
            schema.DeAllocate(block, 0, 0);
    }
}
