using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Kernel.Tests.Semantics;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// nft sets (named, <c>flags interval</c>, anonymous, negated, keyed by a concatenation as Docker 29's
/// <c>ip daddr . tcp dport @published</c>) and ICMP types loaded with <c>nft -f</c>
/// into the router, one real probe each (a is 10.201.1.2, b 10.201.2.2). Both engines must give the
/// kernel's answer, certainly (never "maybe"), and the tracer must count exactly the rules whose
/// counters the kernel raised.
/// </summary>
public sealed class NftSetKernelTests(NftTopologyFixture fixture) : IClassFixture<NftTopologyFixture>
{
    private const string Accepting = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";

    private static string Table(string family, string sets, string policy, string rules) =>
        $"table {family} dfwn_s {{ {sets}\n chain forward_c {{ type filter hook forward priority 0; policy {policy}; {rules} }}; }}";

    private const string Trusted = "set trusted { type ipv4_addr; elements = { 10.201.1.2, 10.9.9.9 }; }";
    private const string Strangers = "set strangers { type ipv4_addr; elements = { 10.201.1.3, 10.9.9.9 }; }";
    private const string Nets = "set nets { type ipv4_addr; flags interval; elements = { 10.201.1.1-10.201.1.5, 10.7.0.0/16 }; }";
    private const string Published = "set pub { type ipv4_addr . inet_service; elements = { 10.201.2.2 . 80, 10.201.2.3 . 443 }; }";
    private const string PublishedRanges = "set pub { type ipv4_addr . inet_service; flags interval; elements = { 10.201.2.0/24 . 8000-8099 }; }";
    private const string OtherNets = "set nets { type ipv4_addr; flags interval; elements = { 10.201.1.3-10.201.1.9, 10.201.0.0/24 }; }";

    public static TheoryData<string, string, string, bool> Cases() => new()
    {
        { "a named set holding the source accepts", Table("ip", Trusted, "drop", "ip saddr @trusted counter accept;"), "udp a->b:53", true },
        { "a named set without the source does not", Table("ip", Strangers, "drop", "ip saddr @strangers counter accept;"), "udp a->b:53", false },
        { "an interval set's range holds the source", Table("ip", Nets, "drop", "ip saddr @nets counter accept;"), "tcp a->b:80", true },
        { "an interval set's range and prefix miss the source", Table("ip", OtherNets, "drop", "ip saddr @nets counter accept;"), "tcp a->b:80", false },
        { "!= @set lets a member through", Table("inet", Nets, "accept", "ip saddr != @nets counter drop;"), "udp a->b:53", true },
        { "!= @set drops what is no member", Table("inet", Nets, "accept", "ip saddr != @nets counter drop;"), "udp b->a:53", false },
        { "an anonymous set's prefix holds the destination", Table("ip", "", "drop", "ip daddr { 10.9.0.1, 10.201.2.0/24, 10.8.0.1-10.8.0.9 } counter accept;"), "udp a->b:53", true },
        { "an anonymous set's range misses the destination", Table("ip", "", "drop", "ip daddr { 10.9.0.1, 10.201.2.3-10.201.2.9 } counter accept;"), "udp a->b:53", false },
        { "!= of an anonymous set drops the rest", Table("ip", "", "accept", "ip daddr != { 10.201.1.2, 10.8.0.0/16 } counter drop;"), "udp a->b:53", false },
        { "icmp type echo-request accepts a ping", Table("ip", "", "drop", "icmp type echo-request counter accept;"), "icmp a->b", true },
        { "icmp type echo-request is no TCP packet", Table("ip", "", "drop", "icmp type echo-request counter accept;"), "tcp a->b:80", false },
        { "icmp type != echo-request implies ICMP: TCP passes", Table("inet", "", "accept", "icmp type != echo-request counter drop;"), "tcp a->b:80", true },
        { "icmp type != echo-request lets a ping pass", Table("inet", "", "accept", "icmp type != echo-request counter drop;"), "icmp a->b", true },
        { "icmp type of a set without echo-request", Table("ip", "", "accept", "icmp type { echo-reply, destination-unreachable } counter drop;"), "icmp a->b", true },
        { "icmp type of a set with echo-request", Table("ip", "", "accept", "icmp type { echo-reply, echo-request } counter drop;"), "icmp a->b", false },
        { "icmpv6 type never matches IPv4", Table("inet", "", "accept", "icmpv6 type echo-request counter drop; meta l4proto icmp counter accept;"), "icmp a->b", true },
        { "an ip6 address set never matches IPv4", Table("inet", "set v6 { type ipv6_addr; flags interval; elements = { fd00::/64 }; }", "accept", "ip6 saddr != @v6 counter drop;"), "udp a->b:53", true },
        { "an ip6 address never matches IPv4", Table("inet", "", "accept", "ip6 daddr fd00::/64 counter drop;"), "udp a->b:53", true },
        { "a negated ip6 address never matches IPv4 either", Table("inet", "", "accept", "ip6 saddr != fd00::1 counter drop;"), "udp a->b:53", true },
        { "iifname of an anonymous set of names holding the device", Table("ip", "", "accept", "iifname { \"r9\", \"r1\" } counter drop;"), "udp a->b:53", false },
        { "iifname of a named set of names without the device", Table("ip", "set ifs { type ifname; elements = { \"r2\", \"lo\" }; }", "accept", "iifname @ifs counter drop;"), "udp a->b:53", true },
        { "a port set with a range", Table("ip", "", "accept", "tcp dport { 22, 8000-8080 } counter drop;"), "tcp a->b:8053", false },
        { "a named port set", Table("ip", "set ports { type inet_service; elements = { 22, 443 }; }", "accept", "tcp dport @ports counter drop;"), "tcp a->b:80", true },
        { "a concatenation holds the address and port together", Table("ip", Published, "drop", "ip daddr . tcp dport @pub counter accept;"), "tcp a->b:80", true },
        { "a concatenation's address with another element's port", Table("ip", Published, "drop", "ip daddr . tcp dport @pub counter accept;"), "tcp a->b:443", false },
        { "an interval concatenation's prefix and port range", Table("ip", PublishedRanges, "drop", "ip daddr . tcp dport @pub counter accept;"), "tcp a->b:8042", true },
        { "an interval concatenation's port range missed", Table("ip", PublishedRanges, "drop", "ip daddr . tcp dport @pub counter accept;"), "tcp a->b:8100", false },
        { "!= of a concatenation lets a member through", Table("inet", Published, "accept", "ip daddr . tcp dport != @pub counter drop;"), "tcp a->b:80", true },
        { "!= of a concatenation drops the rest", Table("inet", Published, "accept", "ip daddr . tcp dport != @pub counter drop;"), "tcp a->b:81", false },
        { "a concatenation's tcp port is no UDP packet's, negated or not", Table("inet", Published, "accept", "ip daddr . tcp dport != @pub counter drop;"), "udp a->b:81", true },
        { "an anonymous concatenation of source and input device", Table("ip", "", "accept", "ip saddr . iifname { 10.201.1.2 . \"r1\" } counter drop;"), "udp a->b:53", false },
        { "an anonymous concatenation of source and another device", Table("ip", "", "accept", "ip saddr . iifname { 10.201.1.2 . \"r2\" } counter drop;"), "udp a->b:53", true },
        { "an anonymous concatenation of address and udp port", Table("ip", "", "accept", "ip daddr . udp dport { 10.201.2.2 . 53 } counter drop;"), "udp a->b:53", false },
    };

    [KernelTheory]
    [MemberData(nameof(Cases))]
    public void Both_engines_agree_with_the_kernel_and_count_its_counters(string name, string nft, string probeSpec, bool arrives)
    {
        var topology = fixture.Topology;
        KernelProbe.Load(topology, Accepting);
        const string reset = "table ip dfwn_s {}\ndelete table ip dfwn_s\ntable inet dfwn_s {}\ndelete table inet dfwn_s\n";
        var load = topology.Router.ExecWithInput(reset + nft + "\n", "nft", "-f", "-");
        Assert.True(load.Ok, $"{name}: nft -f refused the ruleset: {load.Error}");
        try
        {
            var probe = ProbeSpec.Parse(topology, probeSpec);
            var kernel = KernelProbe.Send(topology, probe);
            var listed = topology.Router.Exec("nft", "-j", "list", "ruleset");
            listed.EnsureOk();
            var native = NftJsonReader.Read(listed.Out, "nft -j list ruleset");
            Assert.Empty(native.Diagnostics);
            var rules = HostRuleset.Merge(IptablesSaveReader.Read(Accepting, "iptables", IpFamily.V4).Value!, native.Value!);
            var trace = EngineView.Trace(rules, topology, probe);
            var region = Region(rules, topology, probe);

            Assert.True(kernel.Arrived == arrives, $"{name}: the kernel did not do as the case says: {kernel}");
            var verdict = arrives ? PacketVerdict.Accept : PacketVerdict.Drop;
            Assert.True(trace.Certain && trace.Verdict == verdict, $"{name}: tracer {string.Join(",", trace.PossibleVerdicts)}, kernel {kernel}");
            Assert.True(region == (arrives ? ReachVerdict.Accept : ReachVerdict.Drop), $"{name}: symbolic {region}, kernel {kernel}");
            var counted = native.Value!.Tables.SelectMany(t => t.Rules).Where(r => r.Counters is { Packets: > 0 }).Select(r => r.Handle).Order();
            var matched = trace.Matched.Where(r => r.Table.EndsWith(" dfwn_s", StringComparison.Ordinal)).Select(r => r.Handle).Order();
            Assert.Equal(counted, matched);
        }
        finally
        {
            topology.Router.ExecWithInput(reset, "nft", "-f", "-");
        }
    }

    private static ReachVerdict Region(Core.Model.Ruleset rules, Topology topology, Probe probe)
    {
        var (packet, path) = EngineView.PacketOf(topology, probe);
        InterfacePattern[] interfaces = [.. new[] { packet.InInterface, packet.OutInterface }.OfType<string>().Select(n => new InterfacePattern(n))];
        var compiled = SymbolicRuleset.Compile(rules, interfaces, EngineView.ContextOf(topology));
        var reach = SymbolicEngine.Reach(compiled, path, compiled.Space.Universe(path));
        var (point, mark) = compiled.Space.PointOf(packet);
        return Assert.Single(reach.Regions, r => r.Packets.Boxes.Any(b => b.Contains(point, mark))).Verdict;
    }
}
