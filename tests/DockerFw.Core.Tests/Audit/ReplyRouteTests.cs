using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A server answers only where its own routes of the packet's family lead (oracle F14, F10's routes
/// for both families): the connected subnets of its endpoints of that family, else the default route
/// of that family (<see cref="DefaultGateway"/>: libnetwork's first endpoint, a network that is not
/// internal before any internal one). Seed 3043: Docker 20.10 without
/// ip6tables, a server on an IPv4-only network and a dual-stack internal one has no IPv6 route back
/// to another network's clients, so the IPv6 matrix's "allowed" hid requests that are never answered.
/// </summary>
public sealed class ReplyRouteTests
{
    // Docker without ip6tables (its 20.10 default): no IPv6 rule at all, the kernel forwards everything.
    private static readonly Ruleset NoIp6tables = Read6("""
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT

        """);

    private static Ruleset Read6(string text)
    {
        var read = IptablesSaveReader.Read(text, "fixture.ip6tables-save", IpFamily.V6);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }

    private static DockerNetwork Net(string name, string subnet, string? subnet6 = null, bool isInternal = false)
    {
        var network = EngineView.Network(name, subnet, isInternal: isInternal);
        return subnet6 is null ? network : network with { Subnets = [.. network.Subnets, new DockerSubnet(Mask(subnet6, IpFamily.V6), null)] };
    }

    private static AddressMask Mask(string text, IpFamily family) => AddressMask.TryParse(text, family, out var m) ? m! : throw new ArgumentException(text);

    private static DockerEndpoint On(string network, string ip, string? ip6 = null, long priority = 0) =>
        new(network, network + "-id", IpAddressValue.Parse(ip, IpFamily.V4), ip6 is null ? null : IpAddressValue.Parse(ip6, IpFamily.V6), []) { GwPriority = priority };

    private static DockerContainer Container(string name, params DockerEndpoint[] endpoints) =>
        new(name, name + "-id", true, endpoints[0].Network, [.. endpoints], [], [], []);

    // bridge1 dual-stack, bridge2 dual-stack and internal (as seed 3043's n1 and n3); c1 a client on bridge1,
    // m on bridge2 and bridge1 (it answers bridge1 from its own endpoint there).
    private static DockerView Seed3043(params DockerContainer[] more) => Seed3043("20.10.24+dfsg1", more);

    private static DockerView Seed3043(string? engine, params DockerContainer[] more) => new(
        [Net("bridge1", "192.0.2.0/24", "2001:db8:1::/64"), Net("bridge2", "198.51.100.0/24", "2001:db8:2::/64", isInternal: true),
         Net("bridge3", "203.0.113.0/24"), Net("bridge4", "100.64.4.0/24", "2001:db8:4::/64"),
         Net("bridge5", "100.64.5.0/24", "2001:db8:5::/64", isInternal: true)],
        [Container("c1", On("bridge1", "192.0.2.2", "2001:db8:1::2")),
         Container("m", On("bridge2", "198.51.100.4", "2001:db8:2::4"), On("bridge1", "192.0.2.4", "2001:db8:1::4")), .. more])
    {
        EngineVersion = engine,
    };

    private static ReachabilityEntry PairV6(DockerView view, Ruleset? v6 = null) =>
        Assert.Single(Auditor.Run(new AuditContext(Read(new DockerHost().ToString()), v6 ?? NoIp6tables, view, HostSettings.Unknown)).ReachabilityV6!,
            e => e.From == "bridge1" && e.To == "bridge2");

    [Fact]
    public void A_server_whose_only_IPv6_network_is_internal_never_answers_another_networks_IPv6_clients()
    {
        // s: bridge3 (IPv4 only, not internal: before bridge2) gives both its default routes: no IPv6 route to bridge1.
        var pair = PairV6(Seed3043(Container("s", On("bridge3", "203.0.113.3"), On("bridge2", "198.51.100.3", "2001:db8:2::3"))));

        Assert.Equal(ReachabilityVerdict.Partial, pair.Verdict);
        Assert.Equal(["2001:db8:2::3"], pair.Flows.Where(f => f.Kind == ReplyFate.OneWay).Select(f => f.Destinations).Distinct());
        Assert.Contains(pair.Flows, f => f is { Kind: ReplyFate.Connection, Possible: false } && f.Destinations != "2001:db8:2::3");
        Assert.Contains("s at 2001:db8:2::3 has no route back to bridge1's containers: replies never leave it", pair.ReplyWay, StringComparison.Ordinal);
        // m answers bridge1 from its own endpoint there, bridged past no IPv6 rule: a connection, and
        // certain although rp_filter is unknown (IPv6 has no reverse-path sysctl).
        Assert.Contains("m at 2001:db8:2::4 answers from its own endpoint on bridge1: replies are switched on bridge1", pair.ReplyWay, StringComparison.Ordinal);
        Assert.DoesNotContain("rp_filter", pair.ReplyWay, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dual_stack_network_that_is_not_internal_gives_the_IPv6_default_route_the_replies_take()
    {
        // bridge4 answers for s; a drop of what enters from bridge4 kills those replies only.
        var s = Container("s", On("bridge2", "198.51.100.3", "2001:db8:2::3"), On("bridge4", "100.64.4.3", "2001:db8:4::3"));
        var open = PairV6(Seed3043(s));
        var dropped = PairV6(Seed3043(s), Read6("""
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A FORWARD -i bridge4 -o bridge1 -j DROP
            COMMIT

            """));

        Assert.Equal(ReachabilityVerdict.Allowed, open.Verdict);
        Assert.Contains("s at 2001:db8:2::3 answers through bridge4 (its default route): replies enter the host on bridge4", open.ReplyWay, StringComparison.Ordinal);
        Assert.Equal(ReachabilityVerdict.Partial, dropped.Verdict);
        Assert.Equal(["2001:db8:2::3"], dropped.Flows.Where(f => f.Kind == ReplyFate.OneWay).Select(f => f.Destinations).Distinct());
    }

    [Fact]
    public void A_server_only_on_an_internal_dual_stack_network_answers_through_it()
    {
        // Oracle F19 (seed 3412): the bridge driver gives an internal network's endpoints both gateways,
        // so the server's IPv6 default route is bridge2's: it answers back the way the request came.
        var pair = PairV6(Seed3043(Container("s", On("bridge2", "198.51.100.3", "2001:db8:2::3"))));

        Assert.Equal(ReachabilityVerdict.Allowed, pair.Verdict);
        Assert.DoesNotContain("s at", pair.ReplyWay ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_Engines_version_an_internal_networks_default_route_is_undecided_with_the_reason()
    {
        // Before 25 the bridge driver gives bridge2's (internal) endpoints its gateways, from 25 none (moby#46603).
        var s = Container("s", On("bridge2", "198.51.100.3", "2001:db8:2::3"));

        var unknown = PairV6(Seed3043(engine: null, s));
        var docker26 = PairV6(Seed3043("26.1.4", s));

        Assert.Contains("s at 2001:db8:2::3's way back to bridge1's containers is unknown: its IPv6 default route comes from bridge2 in Docker 20.10 to 24, "
            + "from none of its networks in 25 and later, and the Engine's version is not known (give docker info's JSON with --docker)",
            unknown.ReplyWay, StringComparison.Ordinal);
        Assert.Contains(unknown.Flows, f => f.Possible && f.Destinations == "2001:db8:2::3");
        Assert.Contains("s at 2001:db8:2::3 has no route back to bridge1's containers: replies never leave it", docker26.ReplyWay, StringComparison.Ordinal);
        Assert.Equal(["2001:db8:2::3"], docker26.Flows.Where(f => f.Kind == ReplyFate.OneWay).Select(f => f.Destinations).Distinct());
    }

    [Fact]
    public void Two_internal_networks_are_ordered_by_name_whichever_the_container_joined_first()
    {
        // bridge2 and bridge5 are both internal and dual-stack: libnetwork's sorted endpoints put bridge2
        // first (the lab: DefaultGatewayLabTests), so s answers bridge1 through bridge2, back the way it came.
        var pair = PairV6(Seed3043(Container("s", On("bridge5", "100.64.5.3", "2001:db8:5::3"), On("bridge2", "198.51.100.3", "2001:db8:2::3"))));

        Assert.DoesNotContain("s at", pair.ReplyWay ?? "", StringComparison.Ordinal);
        Assert.Equal(ReachabilityVerdict.Allowed, pair.Verdict);
    }

    [Fact]
    public void Docker_28_picks_the_IPv6_gateway_apart_from_a_higher_priority_IPv4_only_one()
    {
        // gw-priority 10 on bridge3 (IPv4 only) makes it s's IPv4 gateway; the IPv6 default route is
        // still bridge4's, the first endpoint with an IPv6 gateway.
        var s = Container("s", On("bridge2", "198.51.100.3", "2001:db8:2::3"), On("bridge3", "203.0.113.3", priority: 10), On("bridge4", "100.64.4.3", "2001:db8:4::3"));

        Assert.Contains("s at 2001:db8:2::3 answers through bridge4 (its default route)", PairV6(Seed3043(s)).ReplyWay, StringComparison.Ordinal);
    }

    // s's IPv6 table as its namespace lists it: eth0 on bridge5, eth1 on bridge2, and a default route
    // via bridge5's gateway (not the one libnetwork's order gives: the kernel's word wins), or none.
    private static DockerContainer Observed(DockerContainer container, string? defaultRoute) =>
        container with
        {
            ObservedRoutes = [ProcRouteReader.ReadIpv6(
                "20010db8000500000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
                + "20010db8000200000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1\n"
                + (defaultRoute ?? "")
                + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n",
                "ipv6_route").Value!],
        };

    [Fact]
    public void An_observed_default_route_decides_over_libnetworks_order()
    {
        // Oracle seed 4939: live, the kernel's table says which network gives s its default route.
        var s = Container("s", On("bridge5", "100.64.5.3", "2001:db8:5::3"), On("bridge2", "198.51.100.3", "2001:db8:2::3"));
        var viaBridge5 = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000500000000000000000001 00000400 00000001 00000000 00000003     eth0\n";

        var routed = PairV6(Seed3043(Observed(s, viaBridge5)));
        var none = PairV6(Seed3043(Observed(s, null)));

        Assert.Contains("s at 2001:db8:2::3 answers through bridge5 (its default route): replies enter the host on bridge5", routed.ReplyWay, StringComparison.Ordinal);
        Assert.DoesNotContain("joined first", routed.ReplyWay, StringComparison.Ordinal);
        Assert.DoesNotContain(routed.Flows, f => f.Possible);
        Assert.Contains("s at 2001:db8:2::3 has no route back to bridge1's containers: replies never leave it", none.ReplyWay, StringComparison.Ordinal);
        Assert.Equal(["2001:db8:2::3"], none.Flows.Where(f => f.Kind == ReplyFate.OneWay).Select(f => f.Destinations).Distinct());
    }
}
