using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The network matrix judges the replies of a multi-homed destination container on the way its own
/// routes send them (oracle F10, as the container matrix does): a request that keeps its source (here
/// bridge2 is not masqueraded, as an internal network is not) is answered from the server's endpoint
/// on the client's network, or through its default route's network, not back the way it came.
/// </summary>
public sealed class NetworkMatrixReplyTests
{
    // c1 on bridge1, c3 on bridge2, c4 on bridge2 and bridge1 (192.0.2.4 on bridge1).
    private static readonly DockerView MultiHomed = EngineView.TwoBridges(true,
        EngineView.Container("c3", "bridge2", "198.51.100.2"),
        EngineView.Container("c4", "bridge2", "198.51.100.3") with
        {
            Endpoints = [.. EngineView.Container("c4", "bridge2", "198.51.100.3").Endpoints, .. EngineView.Container("c4", "bridge1", "192.0.2.4").Endpoints],
        });

    // bridge2 -> bridge1 opened both ways by DOCKER-USER, so that only the way the replies take decides.
    private const string Opened = """
        -A DOCKER-USER -i bridge2 -o bridge1 -j ACCEPT
        -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
        """;

    private static string Unmasqueraded(string user) =>
        new DockerHost(User: user).ToString().Replace("-A POSTROUTING -s 198.51.100.0/24 ! -o bridge2 -j MASQUERADE", "");

    private static ReachabilityEntry Pair(AuditReport report, string from, string to) =>
        Assert.Single(report.Reachability, e => e.From == from && e.To == to);

    private static readonly HostSettings Loose = Sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=2", "net.bridge.bridge-nf-call-iptables=1");

    [Fact]
    public void A_pair_whose_multi_homed_server_answers_on_the_clients_bridge_is_one_way_to_it_where_that_bridge_drops()
    {
        // Judged on the request's way back this was "allowed"; c4 answers bridge2's containers from its
        // bridge2 endpoint, and the reply switched there meets the drop.
        var report = Report(Unmasqueraded(Opened + "\n-A DOCKER-USER -i bridge2 -o bridge2 -j DROP"), Loose, MultiHomed);

        var pair = Pair(report, "bridge2", "bridge1");
        Assert.Equal(ReachabilityVerdict.Partial, pair.Verdict);
        Assert.Contains(pair.Flows, f => f is { Kind: "one-way", Destinations: "192.0.2.4", Possible: false });
        Assert.Contains(pair.Flows, f => f.Kind == "connection" && f.Destinations != "192.0.2.4");
        Assert.Contains("c4 at 192.0.2.4 answers from its own endpoint on bridge2: replies are switched on bridge2", pair.ReplyWay, StringComparison.Ordinal);
    }

    [Fact]
    public void Where_rp_filter_is_unknown_a_connection_to_the_multi_homed_server_is_only_possible_and_says_why()
    {
        var unknown = Pair(Report(Unmasqueraded(Opened), Sysctl("net.bridge.bridge-nf-call-iptables=1"), MultiHomed), "bridge2", "bridge1");
        var loose = Pair(Report(Unmasqueraded(Opened), Loose, MultiHomed), "bridge2", "bridge1");

        Assert.Equal(ReachabilityVerdict.Partial, unknown.Verdict);
        Assert.Contains(unknown.Flows, f => f is { Kind: "connection", Destinations: "192.0.2.4", Possible: true });
        Assert.Contains("rp_filter", unknown.ReplyWay, StringComparison.Ordinal);
        Assert.Equal((ReachabilityVerdict.Allowed, false), (loose.Verdict, loose.ReplyWay!.Contains("rp_filter", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_masqueraded_pair_is_answered_the_way_it_came_and_says_nothing_of_reply_ways()
    {
        // Docker masquerades bridge2's requests to bridge1's gateway: c4 answers that address on bridge1.
        var pair = Pair(Report(new DockerHost(User: Opened + "\n-A DOCKER-USER -i bridge2 -o bridge2 -j DROP").ToString(), Sysctl("net.bridge.bridge-nf-call-iptables=1"), MultiHomed), "bridge2", "bridge1");

        Assert.Equal((ReachabilityVerdict.Allowed, null), (pair.Verdict, pair.ReplyWay));
    }

    // c5 on bridge1 and bridge3; bridge2's containers are on neither, so c5 answers them by its default route.
    private static DockerView ThirdNetwork(long bridge3Priority) => new(
        [EngineView.Network("bridge1", "192.0.2.0/24"), EngineView.Network("bridge2", "198.51.100.0/24"), EngineView.Network("bridge3", "203.0.113.0/24")],
        [
            EngineView.Container("c1", "bridge1", "192.0.2.2"),
            EngineView.Container("c5", "bridge1", "192.0.2.5") with
            {
                Endpoints = [.. EngineView.Container("c5", "bridge1", "192.0.2.5").Endpoints,
                    .. EngineView.Container("c5", "bridge3", "203.0.113.5").Endpoints.Select(e => e with { GwPriority = bridge3Priority })],
            },
        ]);

    [Fact]
    public void Docker_28s_gateway_priority_picks_the_network_a_multi_homed_server_answers_through()
    {
        // Replies entering the host on bridge3 are dropped. By name bridge1 is c5's default route and the
        // replies come back the request's way; with gw-priority 1 on bridge3 they go through bridge3.
        var dump = Unmasqueraded(Opened + "\n-A DOCKER-USER -i bridge3 -o bridge2 -j DROP");

        var byName = Pair(Report(dump, Loose, ThirdNetwork(0)), "bridge2", "bridge1");
        var byPriority = Pair(Report(dump, Loose, ThirdNetwork(1)), "bridge2", "bridge1");

        Assert.Equal((ReachabilityVerdict.Allowed, null), (byName.Verdict, byName.ReplyWay));
        Assert.Equal(ReachabilityVerdict.Partial, byPriority.Verdict);
        Assert.Contains(byPriority.Flows, f => f is { Kind: "one-way", Destinations: "192.0.2.5" });
        Assert.Contains("c5 at 192.0.2.5 answers through bridge3 (its default route): replies enter the host on bridge3", byPriority.ReplyWay, StringComparison.Ordinal);
    }
    [Fact]
    public void A_request_snated_to_an_address_off_the_asked_network_is_answered_by_the_servers_route_to_it()
    {
        // Oracle F57 (seed 5153): a network's host_ipv4 SNATs its requests to a host address; c5 answers
        // that address by its default route (bridge3), where the replies are dropped, not the way the
        // request came. Docker's MASQUERADE out of bridge1 takes bridge1's own address: answered on bridge1.
        const string Drop = "\n-A DOCKER-USER -i bridge3 -o bridge2 -j DROP";
        var snat = Unmasqueraded(Opened + Drop).Replace("-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE",
            "-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE\n-A POSTROUTING -s 198.51.100.0/24 ! -o bridge2 -j SNAT --to-source 100.64.0.9");
        var masqueraded = new DockerHost(User: Opened + Drop).ToString();

        var bySnat = Pair(Report(snat, Loose, ThirdNetwork(1)), "bridge2", "bridge1");
        var byMasquerade = Pair(Report(masqueraded, Loose, ThirdNetwork(1)), "bridge2", "bridge1");

        Assert.Equal(ReachabilityVerdict.Partial, bySnat.Verdict);
        Assert.Contains(bySnat.Flows, f => f is { Kind: "one-way", Destinations: "192.0.2.5", Possible: false });
        Assert.Equal((ReachabilityVerdict.Allowed, null), (byMasquerade.Verdict, byMasquerade.ReplyWay));
    }

    [Fact]
    public void Replies_through_another_bridge_complete_a_connection_surely_only_where_that_bridges_own_rp_filter_is_not_strict()
    {
        // c5 answers bridge2's containers through bridge3, where the replies enter the host with c5's
        // bridge1 address as their source, whose route leaves by bridge1: a strict filter on bridge3
        // drops them. The kernel takes the higher of all's and bridge3's own; default's is only what
        // bridge3 started with (ReversePathModeKernelTests), so with its own unknown the connection is
        // only possible. c5's own interfaces are seeded from default: 2 and 0 are no strict filter there.
        Func<HostSettings, ReachabilityEntry> pair = settings => Pair(Report(Unmasqueraded(Opened), settings, ThirdNetwork(1)), "bridge2", "bridge1");

        var ownUnknown = pair(Loose);
        var ownLoose = pair(Loose.With("net.ipv4.conf.bridge3.rp_filter", "2"));
        var ownStrict = pair(Sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0", "net.ipv4.conf.bridge3.rp_filter=1",
            "net.bridge.bridge-nf-call-iptables=1"));
        var raisedByAll = pair(Sysctl("net.ipv4.conf.all.rp_filter=1", "net.ipv4.conf.default.rp_filter=2", "net.ipv4.conf.bridge3.rp_filter=2",
            "net.bridge.bridge-nf-call-iptables=1"));

        Assert.Contains(ownUnknown.Flows, f => f is { Kind: "connection", Destinations: "192.0.2.5", Possible: true });
        Assert.Contains("bridge3's own rp_filter is unknown (default's is only what it started with): a strict one would drop the replies entering the host there: a connection is only possible",
            ownUnknown.ReplyWay, StringComparison.Ordinal);
        Assert.Equal(ReachabilityVerdict.Allowed, ownLoose.Verdict);
        Assert.DoesNotContain("rp_filter", ownLoose.ReplyWay, StringComparison.Ordinal);
        Assert.Contains(ownStrict.Flows, f => f is { Kind: "connection", Destinations: "192.0.2.5", Possible: true });
        Assert.Contains("bridge3's rp_filter is strict, which drops the replies entering the host there", ownStrict.ReplyWay, StringComparison.Ordinal);
        Assert.DoesNotContain("would drop the request on arrival", ownStrict.ReplyWay, StringComparison.Ordinal);
        // all's 1 and the interfaces' 2 make 2, loose, everywhere: the higher value, not all's, decides.
        Assert.Equal(ReachabilityVerdict.Allowed, raisedByAll.Verdict);
    }
}
