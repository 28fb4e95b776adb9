using System.Net;
using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The oracle's reading of a partial published port (no root): <c>reached_on</c> as "any address of
/// the host but LIST", <c>reached_from</c> as "any client but LIST", and <c>kept_out</c> pieces. Each
/// can fail: the same traffic reaching where the claim says it is kept out.
/// </summary>
public sealed class PartialPortClaimTests
{
    private static IReadOnlyList<Disagreement> Check(string partial, params (string From, string To)[] echoed) =>
        new ClaimChecker(JsonDocument.Parse($$"""
            {"networks":[], "reachability":[], "reachability_v6":null, "containers_reachability":null, "links":[],
             "published_ports":[{"host_ip":"0.0.0.0","host_port":8080,"protocol":"tcp","container":"web","container_ip":"10.1.0.2","container_port":80,"filter_accepts":"partial",{{partial}}}],
             "published_ports_v6":[], "findings":[]}
            """).RootElement,
            [.. echoed.Select(e => new ProbeResult(new Probe("outside", "", IPAddress.Parse(e.From), IPAddress.Parse(e.To), Transport.Tcp, 8080, true), Outcome.Echoed, 40000))]).Check();

    [Fact]
    public void Any_address_of_the_host_but_one_is_kept_out_on_that_one()
    {
        const string Partial = """ "reached_from":null,"reached_on":"any address of the host but 198.51.100.3" """;
        Assert.Empty(Check(Partial, ("203.0.113.1", LabDaemon.UplinkAddress)));
        Assert.Equal("published_ports/refuses-but-reached", Assert.Single(Check(Partial, ("203.0.113.1", OracleLab.SecondHostAddress))).Class);
    }

    [Fact]
    public void Any_client_but_one_and_a_kept_out_piece_are_read_as_written()
    {
        const string Partial = """ "reached_from":"any client but 203.0.113.9","reached_on":null,"kept_out":"from 203.0.113.1 on 198.51.100.2" """;
        Assert.Empty(Check(Partial, ("203.0.113.1", OracleLab.SecondHostAddress), ("203.0.113.2", LabDaemon.UplinkAddress)));
        Assert.Single(Check(Partial, ("203.0.113.1", LabDaemon.UplinkAddress)));
        Assert.Single(Check(Partial, ("203.0.113.9", OracleLab.SecondHostAddress)));
    }

    [Fact]
    public void A_port_reached_via_other_interfaces_keeps_the_lab_s_uplink_out()
    {
        // Oracle F41: the outside's probes come in on the lab's uplink0.
        Assert.Equal("published_ports/refuses-but-reached",
            Assert.Single(Check(""" "reached_from":null,"reached_on":null,"reached_via":"any interface but uplink0" """, ("203.0.113.1", LabDaemon.UplinkAddress))).Class);
        Assert.Empty(Check(""" "reached_from":null,"reached_on":null,"reached_via":"any interface but eth0" """, ("203.0.113.1", LabDaemon.UplinkAddress)));
        Assert.Empty(Check(""" "reached_from":null,"reached_on":null,"reached_via":"any other interface" """, ("203.0.113.1", LabDaemon.UplinkAddress)));
    }
}
