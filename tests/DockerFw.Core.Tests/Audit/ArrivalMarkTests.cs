using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A packet meets the first rule with mark 0: a device receives it with none, a container's packet
/// loses its mark as its veth crosses namespaces. So a drop of marked packets drops only what a rule
/// marked before it, and the audit's facts say so rather than counting packets of every mark
/// (kube-proxy's and the hardening guides' mark drops once read as killing every reply and icc).
/// </summary>
public sealed class ArrivalMarkTests
{
    private static readonly string[] FalseAlarms =
        [FindingCodes.MasqueradedRepliesDropped.Code, "DFW302", "DFW531", "DFW540"];

    [Fact]
    public void A_drop_of_marked_packets_with_nothing_marking_them_changes_no_fact()
    {
        var plain = Report(new DockerHost().ToString(), view: EngineView.TwoBridges());
        var report = Report(new DockerHost(User: "-A DOCKER-USER -m mark ! --mark 0x0 -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.Equal(Facts(plain), Facts(report));
        Assert.DoesNotContain(report.Findings, f => FalseAlarms.Contains(f.Code.Code));
        Assert.True(report.PublishedPorts.Single().FilterAccepts);
    }

    [Fact]
    public void A_mark_set_on_one_bridges_packets_drops_only_those()
    {
        // bridge2's packets are marked on the way in; DOCKER-USER drops the marked ones bound for bridge1.
        var dump = new DockerHost(User: "-A DOCKER-USER -o bridge1 -m mark --mark 0x10/0x10 -j DROP").ToString() + """
            *mangle
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            -A PREROUTING -i bridge2 -j MARK --set-xmark 0x10/0x10
            COMMIT

            """;
        var report = Report(dump, view: EngineView.TwoBridges());
        var bridge1 = report.Networks.Single(n => n.Name == "bridge1");

        // Replies to bridge1's connections out arrive on the uplink, unmarked; its containers talk among themselves unmarked.
        Assert.Null(bridge1.Masquerade.RepliesDropped);
        Assert.Equal(true, bridge1.Icc.Effective);
        Assert.True(report.PublishedPorts.Single().FilterAccepts);
        Assert.DoesNotContain(report.Findings, f => FalseAlarms.Contains(f.Code.Code));
    }

    private static string Facts(AuditReport r) =>
        string.Join("\n", r.Networks.Select(n => $"{n.Name} icc={n.Icc.Effective} masq={n.Masquerade.Effective} replies={n.Masquerade.RepliesDropped}"))
        + "\n" + string.Join("\n", r.PublishedPorts.Select(p => $"{p.HostPort} {p.FilterAccepts}"));
}
