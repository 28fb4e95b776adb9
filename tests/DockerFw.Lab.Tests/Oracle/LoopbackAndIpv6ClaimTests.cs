using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The oracle's DFW514 comparison (a port bound to 127.0.0.1, reached by a neighbour routing loopback
/// through the host) and reach over IPv6 pairs, on hand-made reports and traffic (no root). Each can
/// fail: the same traffic against the opposite claim.
/// </summary>
public sealed class LoopbackAndIpv6ClaimTests
{
    private static JsonElement Audit(string findings) => JsonDocument.Parse($$"""
        {"networks":[], "reachability":[], "reachability_v6":null, "containers_reachability":null, "links":[],
         "published_ports":[{"host_ip":"127.0.0.1","host_port":8080,"protocol":"tcp","container":"web","container_ip":"10.1.0.2","container_port":80,"filter_accepts":true}],
         "published_ports_v6":[], "findings":[{{findings}}]}
        """).RootElement;

    private static readonly ProbeResult Loopback =
        new(new Probe("outside", "", IPAddress.Parse("198.51.100.1"), IPAddress.Loopback, Transport.Tcp, 8080, true), Outcome.Echoed, 40000);

    [Fact]
    public void A_loopback_port_a_neighbour_reached_needs_DFW514_and_DFW514_needs_it_reached()
    {
        const string Dfw514 = """{"code":"DFW514","message":"port tcp/8080 on 127.0.0.1 (to 10.1.0.2:80) is bound to loopback, but ...","networks":[]}""";
        Assert.Empty(new ClaimChecker(Audit(Dfw514), [Loopback]).Check());
        Assert.Equal("finding/DFW514-missing", Assert.Single(new ClaimChecker(Audit(""), [Loopback]).Check()).Class);
        var silent = Loopback with { Outcome = Outcome.Silent };
        Assert.Contains(new ClaimChecker(Audit(Dfw514), [silent]).Check(), d => d.Class == "finding/DFW514-but-unreached");
    }

    private const string Host6 = """
        [{"ifname":"br-a","addr_info":[{"family":"inet6","local":"fd00:1::1","prefixlen":64}]},
         {"ifname":"br-b","addr_info":[{"family":"inet6","local":"fd00:2::1","prefixlen":64}]}]
        """;

    private static IReadOnlyList<Disagreement> Reach6(string ip6tables, Outcome outcome) =>
        new ReachChecker(new Dictionary<string, string>
        {
            // The IPv4 rules accept everything: the verdicts must come from the ip6tables rules.
            ["iptables-save"] = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n", ["ip6tables-save"] = ip6tables, ["host.json"] = Host6,
            ["sysctls"] = "net.ipv6.conf.all.forwarding = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\n",
        }, [new(new Probe("c0", "", IPAddress.Parse("fd00:1::2"), IPAddress.Parse("fd00:2::2"), Transport.Tcp, 80, true), outcome, 40000)]).Check();

    [Fact]
    public void Reach_over_IPv6_is_asked_of_the_ip6tables_rules()
    {
        const string Drop = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
        Assert.Empty(Reach6(Drop, Outcome.Silent));
        Assert.Equal("reach/drops-but-reached", Assert.Single(Reach6(Drop, Outcome.Echoed)).Class);
        Assert.Equal("reach/accepts-but-blocked", Assert.Single(Reach6(Drop.Replace("FORWARD DROP", "FORWARD ACCEPT", StringComparison.Ordinal), Outcome.Silent)).Class);
    }
}
