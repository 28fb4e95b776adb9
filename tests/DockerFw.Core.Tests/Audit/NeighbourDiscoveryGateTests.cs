using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Whether container A (2001:db8:1::2) finds container B (2001:db8:1::3) on bridge1 over IPv6, and is
/// answered: A's solicitation to B's solicited-node group and B's advertisement are a must (without
/// them nothing passes: Drop); the solicitations of the reply way and of neighbour unreachability
/// detection only may be needed (without them: unsure, null). Each example's FORWARD (policy DROP)
/// says what it holds.
/// </summary>
public sealed class NeighbourDiscoveryGateTests
{
    private const string A = "2001:db8:1::2", B = "2001:db8:1::3";

    public static TheoryData<string, string, ReachVerdict?> Forwards => new()
    {
        { "Docker's icc=true accepts everything inside the bridge", "-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", ReachVerdict.Accept },
        { "ufw's IPv6 FORWARD accepts echo and TCP, not neighbour discovery (F26)",
            "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT\n-A FORWARD -i bridge1 -o bridge1 -p tcp -j ACCEPT", ReachVerdict.Drop },
        { "advertisements dropped: A never learns B's link address",
            "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", ReachVerdict.Drop },
        { "A's solicitation to B's group dropped", $"-A FORWARD -s {A}/128 -d ff02::1:ff00:3/128 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", ReachVerdict.Drop },
        { "a solicitation to another container's group dropped: not A's for B",
            "-A FORWARD -d ff02::1:ff00:4/128 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", ReachVerdict.Accept },
        { "only multicast solicitations and advertisements: unicast probes (NUD) die later",
            "-A FORWARD -d ff02::1:ff00:0/104 -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT\n-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT", null },
        { "B's own solicitations dropped: B answers through the entry A's solicitation left, at first",
            $"-A FORWARD -s {B}/128 -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", null },
    };

    [Theory]
    [MemberData(nameof(Forwards))]
    public void A_finds_B_as_FORWARD_lets_neighbour_discovery_through(string example, string forward, ReachVerdict? expected)
    {
        var fate = NeighbourDiscoveryGate.Between("bridge1", Address(A), Address(B), Compile(Read(forward)));

        Assert.True(expected == fate.Verdict, $"{example}: expected {expected?.ToString() ?? "unsure"}, got {fate.Verdict?.ToString() ?? "unsure"}");
    }

    [Fact]
    public void The_way_back_is_asked_of_the_other_direction_in_its_own_right()
    {
        // B's solicitations dropped: A reaches B (unsure later), but B never finds A.
        var rules = Compile(Read($"-A FORWARD -s {B}/128 -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT"));

        Assert.Null(NeighbourDiscoveryGate.Between("bridge1", Address(A), Address(B), rules).Verdict);
        Assert.Equal(ReachVerdict.Drop, NeighbourDiscoveryGate.Between("bridge1", Address(B), Address(A), rules).Verdict);
    }

    /// <summary>
    /// A server answering A on bridge1, though A's request came through the host (a multi-homed server
    /// whose endpoint on A's network is on bridge1: oracle F26, seed 563), solicits A itself, from its
    /// link-local address on bridge1: its answer's source is its address on the other network.
    /// </summary>
    public static TheoryData<string, string, ReachVerdict?> Answers => new()
    {
        { "Docker's icc=true accepts everything inside the bridge", "-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", ReachVerdict.Accept },
        { "ufw's IPv6 FORWARD accepts echo and its reply, not neighbour discovery (seed 563)",
            "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT\n-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 129 -j ACCEPT", ReachVerdict.Drop },
        { "solicitations from link-local addresses dropped", "-A FORWARD -s fe80::/10 -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", ReachVerdict.Drop },
        { "A's advertisements dropped: the server never learns A's link address",
            $"-A FORWARD -s {A}/128 -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", ReachVerdict.Drop },
        { "solicitations from the server's global address dropped: it solicits from its link-local one",
            $"-A FORWARD -s {B}/128 -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", ReachVerdict.Accept },
        { "one link-local address dropped: which one is the server's, Docker does not say",
            "-A FORWARD -s fe80::1/128 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", null },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void A_server_answering_on_As_bridge_finds_A_as_FORWARD_lets_its_own_neighbour_discovery_through(string example, string forward, ReachVerdict? expected)
    {
        var fate = NeighbourDiscoveryGate.Answering("bridge1", Address(A), Compile(Read(forward)));

        Assert.True(expected == fate.Verdict, $"{example}: expected {expected?.ToString() ?? "unsure"}, got {fate.Verdict?.ToString() ?? "unsure"}");
    }

    [Fact]
    public void No_container_solicits_from_fe80_colon_colon_whose_interface_id_is_reserved() =>
        Assert.Equal(ReachVerdict.Accept, NeighbourDiscoveryGate.Answering("bridge1", Address(A),
            Compile(Read("-A FORWARD -s fe80::/128 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT"))).Verdict);

    /// <summary>
    /// Oracle F36, seed 5076: a strict reverse-path check drops the host's own addresses as sources on
    /// its bridge (its link-local address, Docker's fe80::1, the subnet-router anycast addresses). No
    /// container holds them, so the gate leaves them out of the server's link-local addresses and of the
    /// clients (a network's every address but the gateway, as the network matrix asks).
    /// </summary>
    [Fact]
    public void The_hosts_own_addresses_on_the_bridge_are_no_containers_and_leave_no_gate_undecided()
    {
        const string host = "fe80::1", gateway = "2001:db8:1::1", anycast = "2001:db8:1::";
        var rules = Compile(Read($"-A FORWARD -s {host}/128 -j DROP\n-A FORWARD -s {gateway}/128 -j DROP\n-A FORWARD -s {anycast}/128 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT"));
        var subnet = IntervalSet.Range(IpAddressValue.Parse(anycast, IpFamily.V6), IpAddressValue.Parse("2001:db8:1::ffff", IpFamily.V6));
        var own = Address(host).Union(Address(gateway)).Union(Address(anycast));
        NeighbourFate[] Asked(NeighbourGates gates) =>
            [gates.Answering("bridge1", subnet, subnet), gates.Answering("bridge1", subnet, Address(A))];

        Assert.All(Asked(new NeighbourGates(rules)), f => Assert.Null(f.Verdict));
        Assert.All(Asked(new NeighbourGates(rules, bridge => bridge == "bridge1" ? own : IntervalSet.Empty)), f => Assert.Equal(ReachVerdict.Accept, f.Verdict));
    }

    [Fact]
    public void An_undecided_gate_says_which_rules_leave_it_so_and_a_decided_one_says_nothing()
    {
        var undecided = Read("-A FORWARD -s fe80::1/128 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT");
        var open = Read("-A FORWARD -i bridge1 -o bridge1 -j ACCEPT");

        Assert.Equal("filter/FORWARD#1 drops some of them", NeighbourDiscoveryGate.Answering("bridge1", Address(A), Compile(undecided)).Doubt(undecided));
        Assert.Null(NeighbourDiscoveryGate.Answering("bridge1", Address(A), Compile(open)).Doubt(open));
    }

    [Fact]
    public void A_drop_names_its_rule_or_FORWARDs_policy()
    {
        var byRule = Read("-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j DROP\n-A FORWARD -i bridge1 -o bridge1 -j ACCEPT");
        var byPolicy = Read("-A FORWARD -i bridge1 -o bridge1 -p tcp -j ACCEPT");

        var rule = NeighbourDiscoveryGate.Between("bridge1", Address(A), Address(B), Compile(byRule));
        var policy = NeighbourDiscoveryGate.Between("bridge1", Address(A), Address(B), Compile(byPolicy));

        Assert.Equal(["filter/FORWARD#1"], rule.Deciding.Select(r => NeighbourDiscoveryGate.Deciding(r, byRule)).Select(e => $"{e.Table}/{e.Chain}#{e.Rule}").Distinct());
        Assert.Equal(["policy of filter/FORWARD"], policy.Deciding.Select(r => NeighbourDiscoveryGate.Deciding(r, byPolicy).Text).Distinct());
    }

    [Fact]
    public void A_container_solicits_the_group_ending_in_the_low_24_bits_of_its_address()
    {
        var groups = NeighbourDiscoveryGate.SolicitedNodes(Address("2001:db8:1::12:3456"));

        Assert.Equal(Address("ff02::1:ff12:3456"), groups);
    }

    private static IntervalSet Address(string text) => IntervalSet.Single(IpAddressValue.Parse(text, IpFamily.V6));

    private static SymbolicRuleset Compile(Ruleset rules) => SymbolicRuleset.Compile(rules, [new InterfacePattern("bridge1")]);

    private static Ruleset Read(string forward)
    {
        var read = IptablesSaveReader.Read($"*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n{forward}\nCOMMIT\n", "fixture.ip6tables-save", IpFamily.V6);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }
}
