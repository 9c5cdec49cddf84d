namespace Memory.Runtime.Tests.Core;

public sealed class EnvironmentTests
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
        var first = Memory.Environment.FindOrCreateVariable(name, () => { created++; return new Settings(1); });
        var second = Memory.Environment.FindOrCreateVariable(name, () => { created++; return new Settings(2); });

        Assert.Same(first.Value, second.Value);
        Assert.Equal(1, created);
        Assert.True(Memory.Environment.TryFindVariable<Settings>(name, out var found));
        Assert.Same(first.Value, found.Value);
        Assert.Contains(name, Memory.Environment.VariableNames);
        Assert.True(Memory.Environment.RemoveVariable(name));
    }

    [Fact]
    public void Remove_MarksHandlesAndForgetsTheName()
    {
        string name = $"test.{Guid.NewGuid()}";
        var variable = Memory.Environment.CreateVariable(name, new Settings(3));

        Assert.True(Memory.Environment.RemoveVariable(name));
        Assert.True(variable.IsRemoved);
        Assert.False(Memory.Environment.TryFindVariable<Settings>(name, out _));
        Assert.False(Memory.Environment.RemoveVariable(name));
    }

    [Fact]
    public void CreatingAnExistingName_Throws_AndAnotherTypeUnderTheSameName_Throws()
    {
        string name = $"test.{Guid.NewGuid()}";
        Memory.Environment.CreateVariable(name, new Settings(4));

        Assert.Throws<InvalidOperationException>(() => Memory.Environment.CreateVariable(name, new Settings(5)));
        Assert.Throws<InvalidOperationException>(() => Memory.Environment.FindOrCreateVariable(name, () => "other"));
        Memory.Environment.RemoveVariable(name);
    }

    [Fact]
    public void ConcurrentFindOrCreate_RunsTheFactoryOnce()
    {
        string name = $"test.{Guid.NewGuid()}";
        int created = 0;
        var seen = new Settings[16];
        Parallel.For(0, seen.Length, i =>
            seen[i] = Memory.Environment.FindOrCreateVariable(name, () => { Interlocked.Increment(ref created); return new Settings(i); }).Value);

        Assert.Equal(1, created);
        Assert.All(seen, s => Assert.Same(seen[0], s));
        Memory.Environment.RemoveVariable(name);
    }
}
