using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Semantics.Routing;

/// <summary>
/// The reverse-path check decided from the host's routes (<see cref="RouteReturns"/>): the source is
/// looked up (table local, then main's longest prefix), and the route found says whether it passes:
/// strict when it leaves by the input interface, loose when there is any unicast route. The kernel's
/// side: ReversePathKernelTests. Both engines ask these answers: RouteReturnsEngineTests.
/// </summary>
public sealed class RouteReturnsTests
{
    // A Docker host: an uplink with the default route, two bridges (br0 and br3, as seed 5076's n0 and
    // n3), a less specific route by br0 with a more specific one inside it by br3, a blackhole and an
    // unreachable route, and the local table's local and broadcast routes (`ip -j route show table all`).
    internal const string V4 = """
        [{"dst":"default","gateway":"198.51.100.1","dev":"eth0","flags":[]},
         {"dst":"198.51.100.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"198.51.100.2","flags":[]},
         {"dst":"172.30.10.0/24","dev":"br0","protocol":"kernel","scope":"link","prefsrc":"172.30.10.1","flags":[]},
         {"dst":"172.30.13.0/24","dev":"br3","protocol":"kernel","scope":"link","prefsrc":"172.30.13.1","flags":[]},
         {"dst":"10.0.0.0/8","dev":"br0","scope":"link","flags":[]},
         {"dst":"10.9.0.0/16","dev":"br3","scope":"link","flags":[]},
         {"type":"blackhole","dst":"192.0.2.0/24","flags":[]},
         {"type":"unreachable","dst":"203.0.113.0/24","flags":[]},
         {"type":"local","dst":"127.0.0.0/8","dev":"lo","table":"local","protocol":"kernel","scope":"host","prefsrc":"127.0.0.1","flags":[]},
         {"type":"local","dst":"172.30.10.1","dev":"br0","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.30.10.1","flags":[]},
         {"type":"broadcast","dst":"172.30.10.255","dev":"br0","table":"local","protocol":"kernel","scope":"link","prefsrc":"172.30.10.1","flags":[]}]
        """;

    // The same host over IPv6: the bridges' subnets and link-local routes, Docker's fe80::1 on br0,
    // the subnet-router anycast address of br0's subnet (a forwarding host), the default route by eth0.
    internal const string V6 = """
        [{"dst":"fd00:d0c:10::/64","dev":"br0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
         {"dst":"fd00:d0c:13::/64","dev":"br3","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
         {"dst":"fe80::/64","dev":"br0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
         {"dst":"fe80::/64","dev":"br3","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
         {"dst":"fe80::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
         {"dst":"default","gateway":"fd00:5100::1","dev":"eth0","metric":1024,"flags":[],"pref":"medium"},
         {"type":"local","dst":"fd00:d0c:10::1","dev":"br0","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"local","dst":"fe80::1","dev":"br0","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"anycast","dst":"fd00:d0c:10::","dev":"br0","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"multicast","dst":"ff00::/8","dev":"br0","table":"local","protocol":"kernel","metric":256,"flags":[],"pref":"medium"}]
        """;

    internal static RoutingTable Host(params string[] listings) =>
        RouteListReader.Concat(listings.Select(l => RouteListReader.Read(l, "routes.json").Value!));

    private static bool? Passes(RoutingTable table, string source, string input, bool loose, bool acceptLocal = false)
    {
        var family = source.Contains(':') ? IpFamily.V6 : IpFamily.V4;
        var check = new ReversePathCheck(Inverted: true, loose) { AcceptLocal = acceptLocal };
        return RouteReturns.Of(table, family)!.For(input, check).Passes(IpAddressValue.Parse(source, family));
    }

    public static TheoryData<string, string, bool?, bool?> Sources => new()
    {
        // source, input interface: strict, loose (null: left open)
        // The connected subnet of the input interface.
        { "172.30.10.5", "br0", true, true },
        { "fd00:d0c:10::3", "br0", true, true },
        // Another bridge's subnet (seed 5076: c1 answering from its n3 address across n0's bridge).
        { "172.30.13.2", "br0", false, true },
        { "fd00:d0c:13::2", "br0", false, true },
        // A less specific route by the input interface; the more specific one inside it by another wins.
        { "10.1.2.3", "br0", true, true },
        { "10.9.1.1", "br0", false, true },
        { "10.9.1.1", "br3", true, true },
        // The default route counts: by the input interface it passes, else only loose.
        { "8.8.8.8", "eth0", true, true },
        { "8.8.8.8", "br0", false, true },
        { "2001:db8::9", "eth0", true, true },
        { "2001:db8::9", "br3", false, true },
        // Blackhole and unreachable routes fail, strict or loose.
        { "192.0.2.7", "eth0", false, false },
        { "203.0.113.9", "eth0", false, false },
        // The host's own addresses (table local) fail; so does IPv6's subnet-router anycast address.
        { "172.30.10.1", "br0", false, false },
        { "127.0.0.1", "eth0", false, false },
        { "fd00:d0c:10::1", "br0", false, false },
        { "fd00:d0c:10::", "br0", false, false },
        // Link-local sources are looked up on the input interface alone: fe80::1 is the host's on br0
        // only, and an interface with no fe80::/64 route of its own has no way back.
        { "fe80::1", "br0", false, false },
        { "fe80::1", "br3", true, true },
        { "fe80::5", "br3", true, true },
        { "fe80::5", "veth9", false, false },
        // A broadcast route: iptables fails it, nft compares its device: open where the two differ.
        { "172.30.10.255", "br0", null, null },
        { "172.30.10.255", "eth0", false, null },
        // 0.0.0.0/8 passes toward a broadcast destination; :: passes iptables, nft looks it up.
        { "0.0.0.0", "br0", null, null },
        { "::", "br0", null, null },
        // The loopback interface: passes in PREROUTING, looked up by nft in other hooks.
        { "127.0.0.1", "lo", null, null },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void The_route_found_for_the_source_decides_strict_and_loose(string source, string input, bool? strict, bool? loose)
    {
        var host = Host(V4, V6);

        Assert.Equal(strict, Passes(host, source, input, loose: false));
        Assert.Equal(loose, Passes(host, source, input, loose: true));
    }

    [Theory]
    [InlineData("172.30.10.1", "br0", true)]
    [InlineData("172.30.10.1", "eth0", false)]
    [InlineData("fd00:d0c:10::1", "eth0", true)]
    public void Accept_local_passes_the_hosts_own_address_an_ipv4_one_strict_only_on_its_device(string source, string input, bool passes)
    {
        Assert.Equal(passes, Passes(Host(V4, V6), source, input, loose: false, acceptLocal: true));
    }

    [Fact]
    public void A_multipath_route_passes_ipv4_on_any_of_its_nexthops_and_leaves_ipv6_open()
    {
        var host = Host(
            """[{"dst":"10.5.0.0/16","flags":[],"nexthops":[{"gateway":"10.0.0.1","dev":"a","weight":1,"flags":[]},{"gateway":"10.0.1.1","dev":"b","weight":1,"flags":[]}]}]""",
            """[{"dst":"fd00:5::/64","metric":1024,"flags":[],"pref":"medium","nexthops":[{"gateway":"fe80::1","dev":"a","weight":1,"flags":[]},{"gateway":"fe80::2","dev":"b","weight":1,"flags":[]}]}]""");

        Assert.Equal([true, true, false], new[] { "a", "b", "c" }.Select(i => Passes(host, "10.5.1.1", i, loose: false)));
        // IPv6: iptables prefers the nexthop by the input interface, nft hashes among them.
        Assert.Equal([null, null, false], new[] { "a", "b", "c" }.Select(i => Passes(host, "fd00:5::9", i, loose: false)));
    }

    [Fact]
    public void Policy_rules_other_than_the_kernels_leave_every_source_open_and_say_why()
    {
        var rules = PolicyRules.Read(
            """[{"priority":0,"src":"all","table":"local"},{"priority":100,"src":"all","fwmark":"0x1","table":"100"},{"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]""",
            IpFamily.V4)!;
        var host = Host(V4) with { Rules = [rules] };

        var paths = RouteReturns.Of(host, IpFamily.V4)!;

        Assert.Null(Passes(host, "172.30.10.5", "br0", loose: false));
        Assert.Null(Passes(host, "192.0.2.7", "eth0", loose: true));
        Assert.StartsWith(ReversePathCheck.PolicyRouted, paths.Doubt);
        Assert.Contains("\"fwmark\":\"0x1\"", paths.Doubt);
    }

    [Fact]
    public void The_kernels_own_policy_rules_decide_as_without_them()
    {
        var v4 = PolicyRules.Read("""[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]""", IpFamily.V4)!;
        var v6 = PolicyRules.Read("""[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"}]""", IpFamily.V6)!;
        var host = Host(V4, V6) with { Rules = [v4, v6] };

        Assert.True(v4.KernelDefaults && v6.KernelDefaults);
        Assert.Equal([false, true], new[] { "172.30.13.2", "172.30.10.5" }.Select(s => Passes(host, s, "br0", loose: false)));
        Assert.Equal([false, true], new[] { "fd00:d0c:13::2", "fd00:d0c:10::3" }.Select(s => Passes(host, s, "br0", loose: false)));
    }

    [Fact]
    public void Without_a_complete_table_there_is_no_answer_from_routes()
    {
        Assert.Null(RouteReturns.Of(RoutingTable.Unknown, IpFamily.V4));
        Assert.Null(ReturnPaths.Of(new EvaluationContext { Routes = RoutingTable.Unknown }, IpFamily.V4));
    }

    [Fact]
    public void A_throw_route_sends_the_lookup_to_the_next_table()
    {
        var host = Host("""
            [{"type":"throw","dst":"10.7.0.0/16","flags":[]},
             {"dst":"10.0.0.0/8","dev":"br0","scope":"link","flags":[]},
             {"dst":"10.7.0.0/16","dev":"br3","table":"default","scope":"link","flags":[]}]
            """);

        Assert.Equal("10.7.0.0/16 dev br3 table default", host.Lookup(IpFamily.V4, IpAddressValue.Parse("10.7.1.1", IpFamily.V4))?.ToString());
        // The check leaves it open rather than follow the throw.
        Assert.Null(Passes(host, "10.7.1.1", "br3", loose: false));
    }

    [Fact]
    public void A_table_builds_its_answers_once_per_family_and_per_interface_and_form()
    {
        var table = Host(V4);
        var paths = RouteReturns.Of(table, IpFamily.V4)!;
        var check = new ReversePathCheck(Inverted: true, Loose: false);

        Assert.Same(paths, RouteReturns.Of(table, IpFamily.V4));
        // Inverted or not, the sources that pass are the same.
        Assert.Same(paths.For("br0", check), paths.For("br0", check with { Inverted = false }));
        Assert.Equal(["br0", "br3", "eth0", "lo"], paths.Interfaces.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_audits_model_uplink_which_no_route_names_keeps_the_answer_of_its_addresses()
    {
        // The audit's model host: the real bridges (named by the routes) and an uplink of its own.
        var uplink = new InterfaceAddress("dfw-uplink0", IpFamily.V4, IpAddressValue.Parse("192.0.2.1", IpFamily.V4), 24);
        var addresses = new AddressReturns([uplink], IpFamily.V4, ReversePathCheck.Local([uplink], IpFamily.V4));
        var paths = ReturnPaths.Of(Host(V4), addresses, IpFamily.V4)!;
        var strict = new ReversePathCheck(Inverted: true, Loose: false);
        bool? Passes(string input, string source) => paths.For(input, strict).Passes(IpAddressValue.Parse(source, IpFamily.V4));

        Assert.Equal(false, Passes("br0", "172.30.13.2"));
        Assert.Equal(true, Passes("br0", "172.30.10.5"));
        Assert.Equal(true, Passes("dfw-uplink0", "192.0.2.7"));
        Assert.Null(Passes("dfw-uplink0", "8.8.8.8"));
    }
}
