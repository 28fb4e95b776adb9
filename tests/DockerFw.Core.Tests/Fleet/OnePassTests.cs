using DockerFw.Core.Fleet;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// A fleet is judged in one pass (<see cref="FleetAuditor.Run"/>): each host read once, its legs walked
/// over every address its peers could give them (<see cref="WideLegs"/>) before the plan exists, and cut
/// to the plan's. The report must be the one of two passes (the plan first, then each host walked for
/// exactly its plan's legs), and a host is read again only where its first walks do not cover a leg.
/// </summary>
public sealed class OnePassTests
{
    public static TheoryData<string, string, int> Fleets => new()
    {
        { "routed", "as set up", 1 },
        { "gre", "as set up", 1 },
        { "swarm", "as set up", 1 },
        { "weave", "as set up", 1 },
        { "weave", "b drops fastdp", 1 },
        { "gre", "bridged, each host's --fixed-cidr", 1 },
        { "gre", "bridged, b dropping a's range", 1 },
        { "routed", "a routes b's subnet to a router outside the fleet", 1 },
        { "routed", "a has no route to b's subnet", 1 },
        { "routed", "both hosts on 172.17.0.0/16", 1 },
        { "routed", "a masquerades and b lets in any source", 1 },
        { "gre", "a's tunnel leads to an address of no host", 1 },
        { "routed", "b answers a through a gretap port past a's conntrack, which drops INVALID", 1 },
        { "routed", "b answers a through a gretap port, br_netfilter not recorded", 1 },
        // Each host's first walks take the peer's VXLAN to come to its own tunnel's port: a sends to 4789, b to 8472, so both are read again.
        { "gre", "vxlan tunnels whose ports differ", 2 },
    };

    [Theory]
    [MemberData(nameof(Fleets))]
    public void One_pass_reports_what_two_passes_report_and_reads_a_host_again_only_when_its_walks_miss_a_leg(string scenario, string setup, int readsOfEach)
    {
        var tampers = Setup(setup);
        var reads = new Dictionary<string, int>();
        Func<FleetHost> Loader(string name) => () =>
        {
            reads[name] = reads.GetValueOrDefault(name) + 1;
            return FleetFixture.Host(scenario, name, tampers);
        };

        var once = FleetAuditor.Run([Loader("a"), Loader("b")]);

        var plan = new FleetPlan([.. new[] { "a", "b" }.Select(n => FleetFixture.Host(scenario, n, tampers).Summary())]);
        var twice = FleetAuditor.Report(plan, new[] { "a", "b" }.ToDictionary(n => n, n => HostLegs.Judge(FleetFixture.Host(scenario, n, tampers), plan)), mergeFindings: false);
        Assert.Equal(Text(twice), Text(once));
        Assert.Equal((readsOfEach, readsOfEach), (reads["a"], reads["b"]));
    }

    private static string[] Text(FleetReport report) =>
    [
        .. report.Networks.Concat(report.Containers).SelectMany(c => Lines(c).Prepend($"{c.From} -> {c.To}: {c.Outcome} {c.Spec.Way.Kind} {c.Spec.Way.Reason}")),
        .. report.Swarm.Concat(report.Weave).Select(c => $"{c.Sender.Name} -> {c.Receiver.Name} {c.Port.Display}: {c.Outcome} {string.Join(" | ", c.Decisions.Select(d => d.Rule))}"),
        .. report.Findings.Select(f => $"{f.Code.Code} {f.Message}"),
    ];

    private static Tamper[] Setup(string setup) => setup switch
    {
        "as set up" => [],
        "b drops fastdp" => [With("b", "filter", "-A INPUT -p udp -m udp --dport 6784 -j DROP")],
        "bridged, each host's --fixed-cidr" => FleetBridgedTunnelTests.Bridged(FleetBridgedTunnelTests.FixedCidrs),
        "bridged, b dropping a's range" => FleetBridgedTunnelTests.Bridged([.. FleetBridgedTunnelTests.FixedCidrs,
            Replace("b", "iptables-save.txt", "-A DOCKER-USER -j RETURN", "-A DOCKER-USER -s 10.103.100.0/24 -i docker0 -o docker0 -j DROP\n-A DOCKER-USER -j RETURN")]),
        "a routes b's subnet to a router outside the fleet" => [Replace("a", "ip-route-v4.json", "\"gateway\": \"192.168.77.2\"", "\"gateway\": \"192.168.77.254\"")],
        "a has no route to b's subnet" => [Replace("a", "ip-route-v4.json", "\"dst\": \"10.103.200.0/24\"", "\"dst\": \"10.103.250.0/24\"")],
        "both hosts on 172.17.0.0/16" =>
        [
            new("a", "docker.json", t => t.Replace("10.103.100.0/24", "172.17.0.0/16").Replace("10.103.100.1", "172.17.0.1")),
            new("b", "docker.json", t => t.Replace("10.103.200.0/24", "172.17.0.0/16").Replace("10.103.200.1", "172.17.0.1")),
            Replace("a", "ip-route-v4.json", "10.103.100.0/24", "172.17.0.0/16"), Replace("b", "ip-route-v4.json", "10.103.200.0/24", "172.17.0.0/16"),
        ],
        "a masquerades and b lets in any source" =>
        [
            Without("a", "-A POSTROUTING -s 10.103.100.0/24 -d 10.103.200.0/24 -j RETURN"),
            Replace("b", "iptables-save.txt", "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT", "-A DOCKER-USER -i under0 -o docker0 -j ACCEPT"),
        ],
        "b answers a through a gretap port past a's conntrack, which drops INVALID" => FleetAsymmetricReplyTests.Asymmetric(
            Sysctl("a", "net.bridge.bridge-nf-call-iptables", "0"), Replace("a", "iptables-save.txt", "-A FORWARD -j DOCKER-USER", "-A FORWARD -m conntrack --ctstate INVALID -j DROP\n-A FORWARD -j DOCKER-USER")),
        "b answers a through a gretap port, br_netfilter not recorded" => FleetAsymmetricReplyTests.Asymmetric(
            Replace("a", "iptables-save.txt", "-A FORWARD -j DOCKER-USER", "-A FORWARD -m conntrack --ctstate INVALID -j DROP\n-A FORWARD -j DOCKER-USER")),
        "a's tunnel leads to an address of no host" => [new("a", "ip-link.json", t => t.Replace("\"remote\": \"192.168.77.2\"", "\"remote\": \"192.168.77.254\""))],
        "vxlan tunnels whose ports differ" =>
        [
            Replace("a", "ip-link.json", "\"info_kind\": \"gre\",\n   \"info_data\": {", "\"info_kind\": \"vxlan\",\n   \"info_data\": {\n    \"port\": 4789,"),
            Replace("b", "ip-link.json", "\"info_kind\": \"gre\",\n   \"info_data\": {", "\"info_kind\": \"vxlan\",\n   \"info_data\": {\n    \"port\": 8472,"),
        ],
        _ => throw new ArgumentException(setup),
    };
}
