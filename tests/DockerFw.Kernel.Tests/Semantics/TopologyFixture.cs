using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>One topology per test class: building it takes a few seconds (neighbours, IGMP settling).</summary>
public sealed class TopologyFixture : IDisposable
{
    private readonly Lazy<Topology> _topology = new(Topology.Create);

    internal Topology Topology => _topology.Value;

    public void Dispose()
    {
        if (_topology.IsValueCreated) _topology.Value.Dispose();
    }
}
