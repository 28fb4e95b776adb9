using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Oracle F26's remainder (seed 563) with real packets: a server on two IPv6 networks (front
/// fd00:a::2 on bra, back fd00:b::2 on brb) and a client on back alone (fd00:b::3). The client
/// reaches the server's front address through the host; the server answers from its back endpoint,
/// switched on brb, and must first find the client's link there: a solicitation of its own (from its
/// link-local address: the answer's source is not an address of that interface) and the client's
/// advertisement, which br_netfilter hands to ip6tables' FORWARD. A FORWARD as ufw's (policy DROP,
/// echo and TCP accepted, neighbour discovery not) lets the request through and kills the connection;
/// the container matrix must say so, and say "connection" once neighbour discovery passes.
/// </summary>
public sealed class ReplyNeighbourKernelTests
{
    private const string Rules = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -p tcp -j ACCEPT
        -A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT
        {0}
        COMMIT

        """;

    private const string NeighbourDiscovery = "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT\n-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT";

    [KernelFact]
    public void A_reply_switched_on_the_clients_bridge_needs_the_servers_own_neighbour_discovery_there()
    {
        using var lab = new TwoBridgeLab();

        lab.LoadIp6tables(string.Format(System.Globalization.CultureInfo.InvariantCulture, Rules, ""));
        Assert.False(lab.Connects("client", "fd00:a::2", 80), "the server cannot find the client on brb: no answer leaves it");
        var blocked = lab.Entry("fd00:b::3", "fd00:a::2");
        Assert.DoesNotContain(blocked.Flows, f => f.Kind == "connection");
        Assert.Contains("neighbour discovery", blocked.ReplyWay, StringComparison.Ordinal);

        lab.LoadIp6tables(string.Format(System.Globalization.CultureInfo.InvariantCulture, Rules, NeighbourDiscovery));
        Assert.True(lab.Connects("client", "fd00:a::2", 80), "with neighbour discovery through FORWARD the server answers on brb");
        var open = lab.Entry("fd00:b::3", "fd00:a::2");
        Assert.Contains(open.Flows, f => f is { Kind: "connection", Possible: false } && f.Protocol == "tcp");
    }
}
