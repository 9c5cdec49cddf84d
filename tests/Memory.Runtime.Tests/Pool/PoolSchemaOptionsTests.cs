using Memory.Schemas;

namespace Memory.Runtime.Tests.Pool;

[Collection(PoolTestCollection.Name)]
public class PoolSchemaOptionsTests
{
    public static TheoryData<int, int, int> InvalidOptions => new()
    {
        { 1000, 8, 128 },      // page not a power of two
        { 1024, 64, 512 },     // page smaller than four times the maximum
        { 4096, 24, 240 },     // minimum not a power of two
        { 4096, 16, 200 },     // maximum not a multiple of the minimum
        { 4096, 4, 256 },      // minimum smaller than a pointer: no room for the free-list link
        { 4096, 64, 32 },      // maximum below the minimum
        { 4096, 8, 0 },        // no classes at all
        { 128, 8, 32 },        // page too small for its header
        { 4096, 0, 512 },      // minimum zero
        { -4096, 8, 512 },     // negative page
    };

    [Fact]
    public void DefaultsAreThoseOfO3de()
    {
        var options = PoolSchemaOptions.Default;
        Assert.Equal(4096, options.PageSize);
        Assert.Equal(8, options.MinAllocationSize);
        Assert.Equal(512, options.MaxAllocationSize);
        options.Validate();
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidParametersThrowArgumentException(int pageSize, int min, int max)
    {
        var options = new PoolSchemaOptions { PageSize = pageSize, MinAllocationSize = min, MaxAllocationSize = max };
        Assert.Throws<ArgumentException>(options.Validate);
        Assert.Throws<ArgumentException>(() => new PoolSchema(options));
        Assert.Throws<ArgumentException>(() => new ThreadPoolSchema(options));

        string name = $"InvalidPool{pageSize}_{min}_{max}";
        Assert.Throws<ArgumentException>(() => new PoolAllocator(name, options));
        Assert.Throws<ArgumentException>(() => new ThreadPoolAllocator(name, options));
        Assert.Null(AllocatorManager.Find(name)); // a refused pool never registers
    }

    [Fact]
    public void TheMessageNamesTheBrokenRule()
    {
        var options = new PoolSchemaOptions { PageSize = 1024, MinAllocationSize = 64, MaxAllocationSize = 512 };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(nameof(PoolSchemaOptions.PageSize), error.ParamName);
        Assert.Contains("four times", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, 64, 256)]   // O3DE's custom test pool
    [InlineData(256, 8, 64)]      // the smallest page
    [InlineData(65536, 16, 16384)]
    [InlineData(4096, 8, 8)]      // a single class
    public void ValidParametersAreAccepted(int pageSize, int min, int max)
    {
        var options = new PoolSchemaOptions { PageSize = pageSize, MinAllocationSize = min, MaxAllocationSize = max };
        options.Validate();
        _ = new PoolSchema(options);
    }
}
