using DockerFw.Core.Audit;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Oracle F61: a raw NOTRACK (<c>-j CT --notrack</c>) takes a packet out of conntrack, which is more
/// than the UNTRACKED state later rules see: NAT is made per conntrack entry, so the nat table is never
/// asked for an untracked packet and nothing rewrites it on the way back; and the answers to an
/// untracked request are no connection's replies, but packets conntrack meets for the first time
/// (a TCP SYN,ACK or an ICMP echo reply INVALID, the rest NEW, met by the nat table as a connection of
/// their own).
/// </summary>
public sealed class UntrackedConnectionTests
{
    private const string UntrackC1 = "-A PREROUTING -s 192.0.2.2/32 -j CT --notrack";

    // The network matrix judges every address of bridge1: all of them untracked.
    private const string UntrackBridge1 = "-A PREROUTING -s 192.0.2.0/24 -j CT --notrack";

    private static Setting Bridge1(AuditReport report) => report.Networks.Single(n => n.Name == "bridge1").Masquerade;

    [Fact]
    public void A_container_whose_packets_raw_untracks_is_never_masqueraded()
    {
        // Docker's `-s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE` never sees c1's packets; bridge1's other addresses it masquerades.
        var report = Report(new DockerHost(Raw: UntrackC1).ToString(), view: EngineView.TwoBridges());

        Assert.Null(Bridge1(report).Effective);
        Assert.Equal(false, Bridge1(Report(new DockerHost(Raw: UntrackBridge1).ToString(), view: EngineView.TwoBridges())).Effective);
    }

    [Fact]
    public void Without_the_notrack_the_same_container_is_masqueraded()
    {
        var report = Report(new DockerHost().ToString(), view: EngineView.TwoBridges());

        Assert.Equal(true, Bridge1(report).Effective);
    }

    [Fact]
    public void A_published_port_whose_replies_raw_untracks_is_dead_they_are_never_un_dnated()
    {
        // The SYN is DNATed to 192.0.2.2:80 and accepted; the SYN,ACK from 192.0.2.2 is taken out of
        // conntrack in raw, so the client gets it from 192.0.2.2, not from the address it asked.
        var report = Report(new DockerHost(Raw: UntrackC1).ToString(), view: EngineView.TwoBridges());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, "all"), (port.FilterAccepts, port.RepliesDropped));
    }

    [Fact]
    public void A_pair_whose_requests_raw_untracks_has_no_replies_the_established_accept_would_let_back()
    {
        // c1 -> c3 is let through; its replies would come back as ESTABLISHED, but c1's requests are
        // untracked: c3's SYN,ACK is INVALID and its UDP answers NEW, both dropped by isolation.
        var report = PairReport(UntrackBridge1);

        var pair = Assert.Single(report.Reachability, r => r.From == "bridge1" && r.To == "bridge2");
        Assert.Empty(pair.Flows.Where(f => f.Kind == "connection"));
    }

    [Fact]
    public void Without_the_notrack_the_same_pair_is_a_connection()
    {
        var pair = Assert.Single(PairReport("").Reachability, r => r.From == "bridge1" && r.To == "bridge2");

        Assert.Equal((ReachabilityVerdict.Allowed, "connection"), (pair.Verdict, Assert.Single(pair.Flows).Kind));
    }

    [Fact]
    public void The_new_answers_of_an_untracked_request_are_masqueraded_as_a_connection_of_their_own_and_never_reach_it()
    {
        // bridge2 -> bridge1 is let through too: c3's answers pass, but as NEW packets Docker's
        // `-s 198.51.100.0/24 ! -o bridge2 -j MASQUERADE` rewrites them: c1 hears bridge1's gateway.
        // (The seed-5545 class: c7's UDP answers masqueraded by another network's MASQUERADE.)
        var report = PairReport(UntrackBridge1, "-A DOCKER-USER -i bridge2 -o bridge1 -j ACCEPT");

        // TCP's later answers (no SYN) are NEW and masqueraded too; an echo reply, INVALID, is not NATed and comes back.
        var pair = Assert.Single(report.Reachability, r => r.From == "bridge1" && r.To == "bridge2");
        Assert.Empty(pair.Flows.Where(f => f.Kind == "connection" && f.Protocol is "tcp" or "udp" or "all"));
    }

    private static AuditReport PairReport(string raw, string back = "")
    {
        var containers = EngineView.TwoBridges(true, EngineView.Container("c3", "bridge2", "198.51.100.2"));
        var host = new DockerHost(Raw: raw, User: $"""
            -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
            {back}
            """);
        return Auditor.Run(new AuditContext(Read(host.ToString()), Ruleset.Empty(IpFamily.V6), containers, Sysctl("net.bridge.bridge-nf-call-iptables=1"))
            { ContainerMatrix = true });
    }
}
