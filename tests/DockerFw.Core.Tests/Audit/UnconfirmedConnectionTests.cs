using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Oracle F46 (seed 4756): a multi-homed server also on the client's network answers from there, so its
/// reply is switched inside the client's bridge. Without br_netfilter the host's conntrack never sees
/// that reply: the connection the request opened through the host stays unreplied, and the requests'
/// later packets, routed through the host again, are INVALID for TCP (an ACK to a SYN_SENT entry) and
/// NEW for the rest. A <c>ct state invalid drop</c> (firewalld's) lets every SYN through and no ACK.
/// </summary>
public sealed class UnconfirmedConnectionTests
{
    // c1 192.0.2.2 on bridge1, c3 on bridge2, c4 on bridge2 and bridge1 (192.0.2.4 on bridge1).
    private static readonly DockerView MultiHomed = EngineView.TwoBridges(true,
        EngineView.Container("c3", "bridge2", "198.51.100.2"),
        EngineView.Container("c4", "bridge2", "198.51.100.3") with
        {
            Endpoints = [.. EngineView.Container("c4", "bridge2", "198.51.100.3").Endpoints, .. EngineView.Container("c4", "bridge1", "192.0.2.4").Endpoints],
        });

    private const string InvalidDrop = "-A DOCKER-USER -m conntrack --ctstate INVALID -j DROP";

    // bridge2 -> bridge1 opened both ways, bridge2 not masqueraded (as an internal network is not), so
    // the requests keep their source and c4 answers them by its own route.
    private static string Host(string user) =>
        new DockerHost(User: user + """

            -A DOCKER-USER -i bridge2 -o bridge1 -j ACCEPT
            -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
            """).ToString().Replace("-A POSTROUTING -s 198.51.100.0/24 ! -o bridge2 -j MASQUERADE", "");

    private static HostSettings BrNetfilter(string value) =>
        Sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0", $"net.bridge.bridge-nf-call-iptables={value}");

    private static ReachabilityEntry Pair(AuditReport report) => Assert.Single(report.Reachability, e => e.From == "bridge2" && e.To == "bridge1");

    [Fact]
    public void An_invalid_drop_makes_tcp_to_a_server_answering_past_conntrack_opening_only_and_leaves_the_rest_connections()
    {
        var pair = Pair(Report(Host(InvalidDrop), BrNetfilter("0"), MultiHomed));

        Assert.Equal(ReachabilityVerdict.Partial, pair.Verdict);
        Assert.Contains(pair.Flows, f => f is { Protocol: "tcp", Kind: "opening-only", Destinations: "192.0.2.4", Possible: false });
        Assert.Contains(pair.Flows, f => f is { Protocol: "udp,udplite", Kind: "connection", Destinations: "192.0.2.4", Possible: false });
        // Whether the kernel has DCCP's and SCTP's trackers, which check the handshake too, is not known: only possible.
        Assert.Contains(pair.Flows, f => f is { Protocol: "dccp,sctp", Kind: "connection", Destinations: "192.0.2.4", Possible: true });
        Assert.DoesNotContain(pair.Flows, f => f.Kind == "opening-only" && f.Destinations != "192.0.2.4");
        Assert.Contains("past the host's conntrack", pair.ReplyWay, StringComparison.Ordinal);
    }

    [Fact]
    public void Where_the_kernel_has_sctps_tracker_and_not_dccps_sctp_is_opening_only_and_dccp_a_connection()
    {
        // A 6.18 kernel: SCTP's tracker checks a data chunk's verification tag, DCCP's is gone (generic: NEW).
        var host = BrNetfilter("0").With(HostSettings.ConntrackSysctl, "432000").With(HostSettings.SctpTrackerSysctl, "210");

        var pair = Pair(Report(Host(InvalidDrop), host, MultiHomed));

        Assert.Contains(pair.Flows, f => f is { Protocol: "tcp,sctp", Kind: "opening-only", Destinations: "192.0.2.4", Possible: false });
        Assert.Contains(pair.Flows, f => f is { Protocol: "udp,dccp,udplite", Kind: "connection", Destinations: "192.0.2.4", Possible: false });
        Assert.DoesNotContain(pair.Flows, f => f.Possible);
    }

    [Fact]
    public void With_br_netfilter_on_the_same_rules_leave_every_connection_whole()
    {
        // The reply switched on bridge2 is handed to iptables and conntrack: the ACK is ESTABLISHED.
        var pair = Pair(Report(Host(InvalidDrop), BrNetfilter("1"), MultiHomed));

        Assert.DoesNotContain(pair.Flows, f => f.Kind == "opening-only");
    }

    [Fact]
    public void Without_an_invalid_drop_an_unreplied_connection_still_carries_data()
    {
        // Docker's accept of bridge2 -> bridge1 asks no state: the INVALID ACK passes, as the kernel lets it.
        var pair = Pair(Report(Host(""), BrNetfilter("0"), MultiHomed));

        Assert.DoesNotContain(pair.Flows, f => f.Kind == "opening-only");
    }

    [Fact]
    public void Later_datagrams_of_an_unreplied_flow_are_new_so_an_accept_of_new_and_established_only_passes_them_and_not_tcp()
    {
        // Only NEW and ESTABLISHED pass bridge2 -> bridge1: the SYN and every datagram do, the ACK (INVALID) does not.
        var pair = Pair(Report(Host("-A DOCKER-USER -i bridge2 -o bridge1 -m conntrack ! --ctstate NEW,ESTABLISHED -j DROP"), BrNetfilter("0"), MultiHomed));

        Assert.Contains(pair.Flows, f => f is { Protocol: "tcp", Kind: "opening-only", Destinations: "192.0.2.4" });
        Assert.DoesNotContain(pair.Flows, f => f.Protocol != "tcp" && f.Kind == "opening-only");
    }

    [Fact]
    public void Where_br_netfilter_is_unknown_the_tcp_connection_is_only_possible()
    {
        var pair = Pair(Report(Host(InvalidDrop), Sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"), MultiHomed));

        // tcp with the protocols whose later packets conntrack may give either state (dccp, sctp): one flow (FlowMerge).
        Assert.Contains(pair.Flows, f => f.Protocol.Split(',').Contains("tcp") && f is { Kind: "connection", Destinations: "192.0.2.4", Possible: true });
        Assert.Contains("bridge-nf-call-iptables, is unknown", pair.ReplyWay, StringComparison.Ordinal);
    }
}
