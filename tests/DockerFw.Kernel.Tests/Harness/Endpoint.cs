using System.Net;

namespace DockerFw.Kernel.Tests.Harness;

/// <summary>
/// A host on one of the router's links: its namespace, its address, and the router's interface it
/// hangs off (a routed veth such as <c>r1</c>, or a bridge port such as <c>vb1</c> on <c>br0</c>).
/// </summary>
internal sealed record Endpoint(string Label, Netns Netns, IPAddress Address, string RouterPort, bool Bridged)
{
    /// <summary>The router interface iptables sees as <c>-i</c>/<c>-o</c>: the bridge for its ports.</summary>
    public string RouterInterface => Bridged ? Topology.Bridge : RouterPort;

    public override string ToString() => $"{Label} ({Address} via {RouterPort})";
}
