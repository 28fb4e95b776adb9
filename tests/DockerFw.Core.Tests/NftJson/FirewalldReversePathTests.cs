using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests.Semantics;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>
/// firewalld's IPv6 reverse-path filter (IPv6_rpfilter=yes), <c>meta nfproto ipv6 fib saddr . mark .
/// iif oif missing drop</c> at prerouting (oracle F30): read as <c>-m rpfilter --validmark --invert</c>,
/// decided by both engines for a source in a connected subnet of the input interface (the route
/// back is that interface's), open for every other source. The kernel's side: ReversePathKernelTests.
/// </summary>
public sealed class FirewalldReversePathTests
{
    private static string Rule(string flags, string op, string right) =>
        """{"nftables": [{"table": {"family": "inet", "name": "firewalld", "handle": 1}},""" +
        """ {"chain": {"family": "inet", "table": "firewalld", "name": "filter_PREROUTING", "handle": 1, "type": "filter", "hook": "prerouting", "prio": 10, "policy": "accept"}},""" +
        """ {"rule": {"family": "inet", "table": "firewalld", "chain": "filter_PREROUTING", "handle": 3, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "nfproto"}}, "right": "ipv6"}},""" +
        $$$""" {"match": {"op": "{{{op}}}", "left": {"fib": {"result": "oif", "flags": [{{{flags}}}]}}, "right": {{{right}}}}}, {"drop": null}]}}]}""";

    private static readonly string Firewalld = Rule("\"saddr\", \"mark\", \"iif\"", "==", "false");

    [Theory]
    [InlineData("\"saddr\", \"mark\", \"iif\"", "==", "false", "--validmark --invert")]
    [InlineData("\"saddr\", \"iif\"", "==", "false", "--invert")]
    [InlineData("\"saddr\", \"mark\"", "==", "false", "--loose --validmark --invert")]
    [InlineData("\"saddr\", \"iif\"", "==", "true", "")]
    [InlineData("\"saddr\", \"iif\"", "!=", "false", "")]
    public void Fib_oif_of_the_source_is_iptables_rpfilter(string flags, string op, string right, string options)
    {
        var rule = NftJsonReader.Read(Rule(flags, op, right), "nft.json").Value!.Rules.Single();

        var block = Assert.Single(rule.Blocks, b => b.Module == "rpfilter");
        Assert.Equal(options, string.Join(' ', block.Matches.Select(m => m.Option)));
    }

    [Fact]
    public void Fib_of_the_destination_or_of_a_type_is_not_the_reverse_path_check()
    {
        var rule = NftJsonReader.Read(Rule("\"daddr\", \"iif\"", "==", "false"), "nft.json").Value!.Rules.Single();

        Assert.DoesNotContain(rule.Blocks, b => b.Module == "rpfilter");
    }

    // The host: an uplink, a bridge, and a second bridge on a longer prefix inside the first's subnet
    // (the longest prefix wins the route back, so the first bridge's part there is not decided).
    private static readonly EvaluationContext Host = new()
    {
        Addresses =
        [
            new("eth0", IpFamily.V6, V6("2001:db8::1"), 64),
            new("br0", IpFamily.V6, V6("fd00:1::1"), 64),
            new("br1", IpFamily.V6, V6("fd00:1:0:0:8000::1"), 65),
        ],
    };

    private static Ruleset Ipv6Host() =>
        HostRuleset.Merge(Dump.Read("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n", IpFamily.V6), NftJsonReader.Read(Firewalld, "nft.json").Value!);

    private static UInt128 V6(string text) => IpAddressValue.Parse(text, IpFamily.V6);

    public static TheoryData<string, string, bool> Sources => new()
    {
        // A container of br0: the connected route fd00:1::/64 dev br0 is the way back.
        { "fd00:1::2", "br0", true },
        { "fd00:1::ffff:2", "br0", true },
        // The host's own address (table local: the check fails) and the subnet-router anycast.
        { "fd00:1::1", "br0", false },
        { "fd00:1::", "br0", false },
        // br1's longer prefix holds it: the way back is br1.
        { "fd00:1:0:0:8000::2", "br0", false },
        { "fd00:1:0:0:8000::2", "br1", true },
        // No connected subnet of the input interface: the routes decide (a default route may lead back).
        { "2001:db8:5::5", "br0", false },
        { "fd00:1::2", "eth0", false },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void The_tracer_passes_a_source_whose_route_back_is_its_input_interface_and_no_other(string source, string @in, bool decided)
    {
        var packet = new Packet(IpFamily.V6, V6(source), V6("2001:db8:7::7"), Protocol.Tcp, 40000, 443, InInterface: @in, OutInterface: "eth0");

        var result = PacketTracer.Trace(Ipv6Host(), packet, PacketPath.Forward, Host);

        Assert.Equal(decided, result.Certain);
        if (decided) Assert.Equal(PacketVerdict.Accept, result.Verdict);
        else Assert.Contains(result.Doubts, d => d.Reason == ReversePathCheck.Undecided);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Reach_passes_a_source_whose_route_back_is_its_input_interface_and_no_other(string source, string @in, bool decided)
    {
        var compiled = SymbolicRuleset.Compile(Ipv6Host(), null, Host);
        var query = new ReachQuery(PacketPath.Forward)
        {
            In = new InterfacePattern(@in), Out = new InterfacePattern("eth0"), Source = AddressMask.Host(IpFamily.V6, V6(source)),
        };

        var result = SymbolicEngine.Reach(compiled, query);

        Assert.All(result.Regions, r => Assert.Equal(decided ? ReachVerdict.Accept : ReachVerdict.Maybe, r.Verdict));
    }

    [Fact]
    public void Without_the_hosts_addresses_neither_engine_decides_it()
    {
        var packet = new Packet(IpFamily.V6, V6("fd00:1::2"), V6("2001:db8:7::7"), Protocol.Tcp, 40000, 443, InInterface: "br0", OutInterface: "eth0");
        var compiled = SymbolicRuleset.Compile(Ipv6Host());

        var trace = PacketTracer.Trace(Ipv6Host(), packet, PacketPath.Forward);
        var reach = SymbolicEngine.Reach(compiled, new ReachQuery(PacketPath.Forward) { In = new InterfacePattern("br0") });

        Assert.False(trace.Certain);
        Assert.All(reach.Regions, r => Assert.Equal(ReachVerdict.Maybe, r.Verdict));
    }

    [Fact]
    public void The_audits_model_host_decides_the_containers_of_its_bridges()
    {
        // HostModel compiles with its bridges' addresses (gateway/prefix): a container's packet into
        // its own bridge has its way back there.
        var compiled = SymbolicRuleset.Compile(Ipv6Host(), [new InterfacePattern("br0")], IntervalSet.Single(V6("fd00:1::1")), ReachDetail.Rules,
            [new InterfaceAddress("br0", IpFamily.V6, V6("fd00:1::1"), 64)]);
        var query = new ReachQuery(PacketPath.Forward) { In = new InterfacePattern("br0"), Source = AddressMask.Host(IpFamily.V6, V6("fd00:1::5")) };

        var result = SymbolicEngine.Reach(compiled, query);

        Assert.All(result.Regions, r => Assert.Equal(ReachVerdict.Accept, r.Verdict));
    }
}
