using System.Net;
using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The oracle's reading of a partial masquerade (no root): its flows are the NATed connections, each
/// naming the interfaces it leaves by where they differ (<c>via</c>), and the outside's probe leaves by
/// the lab's uplink0. The comparison was dead code: one fix of the crash on "partial" skipped it, the
/// other added this branch below the skip. Each case can fail: the same probe the other way.
/// </summary>
public sealed class MasqueradeClaimTests
{
    private static IReadOnlyList<Disagreement> Check(string flows, Outcome outcome, string extra = "") =>
        new ClaimChecker(JsonDocument.Parse("""
            {"networks":[{"name":"n1","subnets":["172.30.11.0/24"],"icc":null,"icc_v6":null,
               "masquerade":{"declared":true,"effective":"partial","drifted":true,"flows":[FLOWS]EXTRA}}],
             "reachability":{"networks":["n1"],"unlisted":"denied","pairs":[]}, "reachability_v6":null, "containers_reachability":null,
             "links":[], "published_ports":[], "published_ports_v6":[], "findings":[]}
            """.Replace("FLOWS", flows, StringComparison.Ordinal).Replace("EXTRA", extra, StringComparison.Ordinal)).RootElement,
            [new ProbeResult(new Probe("c1", "", IPAddress.Parse("172.30.11.2"), IPAddress.Parse(LabDaemon.OutsideAddress), Transport.Tcp, 80, true), outcome, 40000)]).Check();

    private static string Flow(string via) =>
        $$"""{"protocol":"all","ports":null,"destinations":null{{(via == "" ? "" : $",\"via\":\"{via}\"")}},"kind":"connection","possible":false}""";

    [Fact]
    public void A_flow_via_the_uplink_is_nated_so_the_probe_must_get_out_and_back()
    {
        Assert.Empty(Check(Flow("uplink0"), Outcome.Echoed));
        Assert.Equal("masquerade/partial-flow-no-way-out", Assert.Single(Check(Flow("uplink0"), Outcome.Silent)).Class);
    }

    [Fact]
    public void A_flow_via_another_interface_leaves_the_probe_unnated_so_it_cannot_come_back()
    {
        Assert.Empty(Check(Flow("eth0"), Outcome.Silent));
        Assert.Equal("masquerade/partial-but-got-out", Assert.Single(Check(Flow("eth0"), Outcome.Echoed)).Class);
        Assert.Equal("masquerade/partial-but-got-out", Assert.Single(Check(Flow("any interface but uplink0"), Outcome.Echoed)).Class);
    }

    [Fact]
    public void A_flow_via_any_other_interface_or_with_its_replies_dropped_or_uncertain_is_not_compared()
    {
        Assert.Empty(Check(Flow("any other interface"), Outcome.Echoed));
        Assert.Empty(Check(Flow("any other interface"), Outcome.Silent));
        Assert.Empty(Check(Flow(""), Outcome.Silent, ""","replies_dropped":"from 172.30.11.2" """));
        Assert.Empty(Check(Flow("uplink0"), Outcome.Silent, ""","replies_uncertain":"tcp/443: for 198.51.100.2 but not 198.51.100.3; which one MASQUERADE gives is not known from the routes" """));
    }
}
