using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The hardening guides' drops of TCP flag combinations no working connection sends (SYN with RST or
/// FIN, FIN with RST, FIN, PSH or URG without ACK) change no fact about the containers' connections
/// (oracle F55); a drop of a segment a connection needs (its ACKs, its data) still kills them.
/// </summary>
public sealed class HardeningFlagsTests
{
    [Theory]
    [InlineData("SYN,RST SYN,RST")]
    [InlineData("SYN,FIN SYN,FIN")]
    [InlineData("FIN,RST FIN,RST")]
    [InlineData("ACK,FIN FIN")]
    [InlineData("ACK,PSH PSH")]
    [InlineData("ACK,URG URG")]
    public void A_drop_of_flags_no_connection_sends_changes_no_fact(string flags)
    {
        var plain = Report(new DockerHost().ToString(), view: EngineView.TwoBridges());
        var report = Report(new DockerHost(User: $"-A DOCKER-USER -p tcp -m tcp --tcp-flags {flags} -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.Equal(Facts(plain), Facts(report));
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped || f.Code.Code is "DFW302" or "DFW511");
    }

    [Fact]
    public void A_drop_of_the_data_segments_into_a_bridge_still_makes_its_connections_out_one_way()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -o bridge1 -p tcp -m tcp --tcp-flags PSH PSH -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.Equal("tcp", report.Networks.Single(n => n.Name == "bridge1").Masquerade.RepliesDropped);
    }

    private static string Facts(AuditReport r) =>
        string.Join("\n", r.Networks.Select(n => $"{n.Name} icc={n.Icc.Effective} masq={n.Masquerade.Effective} replies={n.Masquerade.RepliesDropped} later={n.Masquerade.LaterDropped}"))
        + "\n" + string.Join("\n", r.PublishedPorts.Select(p => $"{p.HostPort} {p.FilterAccepts}"));
}
