using System.Net;
using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The address a network's traffic leaves with (no root): read from the host's conntrack entry of the
/// probe to the echo server outside, and held against the audit's <c>snat_to</c> (Docker's SNAT to
/// that address) or, when it is null, MASQUERADE's choice, the uplink's address.
/// </summary>
public sealed class NatAddressClaimTests
{
    private static JsonElement Audit(string snatTo) => JsonDocument.Parse($$"""
        {"networks":[{"name":"a","subnets":["10.1.0.0/24"],"icc":null,"icc_v6":null,
                      "masquerade":{"declared":true,"effective":true,"drifted":false},"snat_to":{{snatTo}}}],
         "reachability":null, "reachability_v6":null, "containers_reachability":null,
         "links":[], "published_ports":[], "published_ports_v6":[], "findings":[]}
        """).RootElement;

    private static readonly ProbeResult Out =
        new(new Probe("c0", "", IPAddress.Parse("10.1.0.2"), IPAddress.Parse(LabDaemon.OutsideAddress), Transport.Tcp, LabDaemon.OutsidePort, true), Outcome.Echoed, 41234);

    private static readonly string[] Conntrack =
    [
        "ipv4     2 udp      17 20 src=10.1.0.2 dst=198.51.100.1 sport=41234 dport=9000 src=198.51.100.1 dst=198.51.100.9 sport=9000 dport=41234 mark=0 zone=0 use=2",
        "ipv4     2 tcp      6 118 TIME_WAIT src=10.1.0.2 dst=198.51.100.1 sport=41234 dport=9000 src=198.51.100.1 dst=198.51.100.3 sport=9000 dport=41234 [ASSURED] mark=0 zone=0 use=2",
        "ipv4     2 tcp      6 118 TIME_WAIT src=10.1.0.2 dst=198.51.100.1 sport=41235 dport=9000 src=198.51.100.1 dst=198.51.100.2 sport=9000 dport=41235 [ASSURED] mark=0 zone=0 use=2",
    ];

    [Fact]
    public void The_address_seen_outside_is_the_reply_tuples_destination_of_the_probes_own_tcp_entry()
    {
        Assert.Equal(IPAddress.Parse("198.51.100.3"), NatSeen.Seen(Conntrack, Out));
        Assert.Equal(IPAddress.Parse("198.51.100.2"), NatSeen.Seen(Conntrack, Out with { SourcePort = 41235 }));
        Assert.Null(NatSeen.Seen(Conntrack, Out with { SourcePort = 41236 }));
    }

    [Fact]
    public void An_snat_address_must_be_the_one_seen()
    {
        var seenThird = Out with { SeenAs = IPAddress.Parse("198.51.100.3") };
        Assert.DoesNotContain(new ClaimChecker(Audit("\"198.51.100.3\""), [seenThird]).Check(), d => d.Class.StartsWith("masquerade/", StringComparison.Ordinal));
        Assert.Contains(new ClaimChecker(Audit("\"198.51.100.3\""), [Out with { SeenAs = IPAddress.Parse(LabDaemon.UplinkAddress) }]).Check(), d => d.Class == "masquerade/nated-to-another-address");
    }

    [Fact]
    public void Without_snat_to_the_traffic_is_masqueraded_to_the_uplinks_address()
    {
        Assert.DoesNotContain(new ClaimChecker(Audit("null"), [Out with { SeenAs = IPAddress.Parse(LabDaemon.UplinkAddress) }]).Check(), d => d.Class.StartsWith("masquerade/", StringComparison.Ordinal));
        Assert.Contains(new ClaimChecker(Audit("null"), [Out with { SeenAs = IPAddress.Parse("198.51.100.3") }]).Check(), d => d.Class == "masquerade/nated-to-another-address");
        Assert.DoesNotContain(new ClaimChecker(Audit("null"), [Out]).Check(), d => d.Class.StartsWith("masquerade/", StringComparison.Ordinal));
    }
}
