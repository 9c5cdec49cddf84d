namespace Memory.Runtime.Tests.Core;

public sealed class SharedEnvironmentTests
{
    private sealed class Settings(int value)
    {
        public int Value { get; } = value;
    }

    [Fact]
    public void FindOrCreate_CreatesOnceAndSharesTheInstance()
    {
        string name = $"test.{Guid.NewGuid()}";
        int created = 0;
        var first = SharedEnvironment.FindOrCreateVariable(name, () => { created++; return new Settings(1); });
        var second = SharedEnvironment.FindOrCreateVariable(name, () => { created++; return new Settings(2); });

        Assert.Same(first.Value, second.Value);
        Assert.Equal(1, created);
        Assert.True(SharedEnvironment.TryFindVariable<Settings>(name, out var found));
        Assert.Same(first.Value, found.Value);
        Assert.Contains(name, SharedEnvironment.VariableNames);
        Assert.True(SharedEnvironment.RemoveVariable(name));
    }

    [Fact]
    public void Remove_MarksHandlesAndForgetsTheName()
    {
        string name = $"test.{Guid.NewGuid()}";
        var variable = SharedEnvironment.CreateVariable(name, new Settings(3));

        Assert.True(SharedEnvironment.RemoveVariable(name));
        Assert.True(variable.IsRemoved);
        Assert.False(SharedEnvironment.TryFindVariable<Settings>(name, out _));
        Assert.False(SharedEnvironment.RemoveVariable(name));
    }

    [Fact]
    public void CreatingAnExistingName_Throws_AndAnotherTypeUnderTheSameName_Throws()
    {
        string name = $"test.{Guid.NewGuid()}";
        SharedEnvironment.CreateVariable(name, new Settings(4));

        Assert.Throws<InvalidOperationException>(() => SharedEnvironment.CreateVariable(name, new Settings(5)));
        Assert.Throws<InvalidOperationException>(() => SharedEnvironment.FindOrCreateVariable(name, () => "other"));
        SharedEnvironment.RemoveVariable(name);
    }

    [Fact]
    public void ConcurrentFindOrCreate_RunsTheFactoryOnce()
    {
        string name = $"test.{Guid.NewGuid()}";
        int created = 0;
        var seen = new Settings[16];
        Parallel.For(0, seen.Length, i =>
            seen[i] = SharedEnvironment.FindOrCreateVariable(name, () => { Interlocked.Increment(ref created); return new Settings(i); }).Value);

        Assert.Equal(1, created);
        Assert.All(seen, s => Assert.Same(seen[0], s));
        SharedEnvironment.RemoveVariable(name);
    }
}
