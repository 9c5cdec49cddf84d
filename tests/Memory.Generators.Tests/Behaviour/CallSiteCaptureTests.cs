namespace Memory.Generators.Tests.Behaviour;

/// <summary>
/// Issue 14's silent misbinding, run: arguments reach the constructor they were written for, and the call site
/// recorded is the caller's, never an argument.
/// </summary>
[Collection(GeneratedAllocators.Name)]
public sealed class CallSiteCaptureTests
{
    private static GeneratorTestAllocator Allocator => GeneratorTestAllocator.Instance;

    [Fact]
    public void Host_and_port_reach_their_constructor_and_the_record_names_the_calling_line()
    {
        var (endpoint, line) = (Endpoint.Create("example.com", 443), CallSite.Line());
        try
        {
            Assert.Equal("example.com", endpoint.Host);
            Assert.Equal(443, endpoint.Port);
            var record = Assert.Single(Allocator.Records.Snapshot(), r => r.Line == line && r.File == CallSite.File());
            Assert.Equal("Memory.Generators.Tests.Behaviour.Endpoint", record.Name);
            Assert.DoesNotContain(Allocator.Records.Snapshot(), r => r.File == "example.com");
        }
        finally
        {
            Endpoint.Destroy(endpoint);
        }
    }

    [Fact]
    public void The_constructors_own_caller_information_is_the_caller_of_Create()
    {
        var (traced, line) = (Traced.Create(), CallSite.Line());
        try
        {
            Assert.Equal(CallSite.File(), traced.File);
            Assert.Equal(line, traced.Line);
            Assert.Equal(nameof(The_constructors_own_caller_information_is_the_caller_of_Create), traced.Member);
        }
        finally
        {
            Traced.Destroy(traced);
        }
    }
}
