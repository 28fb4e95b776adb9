using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>The kernel tests' router topology in namespaces of the nft suite's own (<c>dfwn-</c>).</summary>
public sealed class NftTopologyFixture : IDisposable
{
    private readonly Lazy<Topology> _topology = new(() => Topology.Create("dfwn-"));

    internal Topology Topology => _topology.Value;

    public void Dispose()
    {
        if (_topology.IsValueCreated) _topology.Value.Dispose();
    }
}
