using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The oracle's comparison of <c>audit --policy</c> with traffic, on hand-made reports and probes (no
/// root): a difference from the policy needs a finding that names the pair and the probe's packets,
/// and a finding must say what the probe met. Each can fail: the same traffic against the other report.
/// </summary>
public sealed class PolicyClaimsTests
{
    private static readonly PolicySpec Policy = new("n0", "c0", "c1", 5432, null, UndoJump: true, UndoRule: 0);

    private static readonly EndpointView View = new(
        """[{"Name":"n0","Options":{}},{"Name":"n1","Options":{"com.docker.network.bridge.enable_icc":"false"}}]""",
        """
        [{"Name":"/c0","HostConfig":{},"NetworkSettings":{"Networks":{"n0":{"IPAddress":"10.1.0.2"}}}},
         {"Name":"/c1","HostConfig":{},"NetworkSettings":{"Networks":{"n0":{"IPAddress":"10.1.0.3"}}}},
         {"Name":"/c2","HostConfig":{},"NetworkSettings":{"Networks":{"n1":{"IPAddress":"10.2.0.2"}}}}]
        """);

    private static ProbeResult Tcp(string from, string to, int port, Outcome outcome) =>
        new(new Probe(from == "10.1.0.2" ? "c0" : "c1", "", IPAddress.Parse(from), IPAddress.Parse(to), Transport.Tcp, port, true), outcome, 40000);

    private static IReadOnlyList<Disagreement> Check(string findings, params ProbeResult[] traffic) =>
        new PolicyClaims(JsonDocument.Parse($$"""{"findings":[{{findings}}],"published_ports":[]}""").RootElement, traffic, Policy, View).Check();

    private const string Blocked = """{"code":"DFW903","message":"'c0' on 'n0' -> 'c1' on 'n0' tcp/5432: new connections are blocked, but the policy p allows them."}""";

    [Fact]
    public void Traffic_as_the_policy_says_needs_no_finding_and_a_finding_that_says_otherwise_disagrees()
    {
        var through = Tcp("10.1.0.2", "10.1.0.3", 5432, Outcome.Echoed);
        Assert.Empty(Check("", through, Tcp("10.1.0.2", "10.1.0.3", 80, Outcome.Silent)));
        Assert.Equal("policy/DFW903-but-reached", Assert.Single(Check(Blocked, through)).Class);
    }

    [Fact]
    public void A_difference_from_the_policy_needs_a_finding_naming_the_pair_and_the_packets()
    {
        var blocked = Tcp("10.1.0.2", "10.1.0.3", 5432, Outcome.Silent);
        Assert.Equal("policy/DFW903-missing", Assert.Single(Check("", blocked)).Class);
        Assert.Empty(Check(Blocked, blocked));
        var forbidden = Tcp("10.1.0.3", "10.1.0.2", 80, Outcome.Echoed);
        Assert.Equal("policy/DFW902-missing", Assert.Single(Check(Blocked, forbidden)).Class);
        Assert.Empty(Check("""{"code":"DFW902","message":"'c1' on 'n0' -> 'c0' on 'n0' tcp/0-5431,5433-65535 and every other protocol: new connections get through, but the policy p blocks them."}""", forbidden));
    }

    [Fact]
    public void An_opening_only_finding_blocks_a_tcp_probe_that_sends_data_and_lets_one_of_one_exchange_through()
    {
        // Oracle F38: the allowed pair's openings and replies pass, the later packets die.
        const string OpeningOnly = """{"code":"DFW903","message":"'c0' on 'n0' -> 'c1' on 'n0' tcp/5432: new connections get their first packet and its replies through but not their later packets (no connection carries data), but the policy p allows them."}""";
        Assert.Empty(Check(OpeningOnly, Tcp("10.1.0.2", "10.1.0.3", 5432, Outcome.Silent)));
        Assert.Equal("policy/DFW903-but-reached", Assert.Single(Check(OpeningOnly, Tcp("10.1.0.2", "10.1.0.3", 5432, Outcome.Echoed))).Class);
    }

    [Theory]
    [InlineData("every protocol", Transport.Tcp, 80, true)]
    [InlineData("tcp/5432", Transport.Tcp, 5432, true)]
    [InlineData("tcp/5432", Transport.Tcp, 80, false)]
    [InlineData("tcp/5432", Transport.Udp, 5432, false)]
    [InlineData("tcp/0-5431,5433-65535 and every other protocol", Transport.Tcp, 5432, false)]
    [InlineData("tcp/0-5431,5433-65535 and every other protocol", Transport.Udp, 5432, true)]
    [InlineData("udp, icmp/type 0,8", Transport.Icmp, 0, true)]
    [InlineData("udp, icmp/type 0", Transport.Icmp, 0, false)]
    // Seed 3408: a probe whose source port is not known may be held by a piece limited to source ports.
    [InlineData("tcp/6832 from source port 26545", Transport.Tcp, 6832, null)]
    [InlineData("tcp/6832 from source port 26545", Transport.Tcp, 80, false)]
    [InlineData("tcp/6832 from source port 26545, tcp/80", Transport.Tcp, 80, true)]
    public void A_findings_packets_are_read_as_the_audit_writes_them(string packets, Transport transport, int port, bool? covers) =>
        Assert.Equal(covers, PolicyClaims.Covers(packets, new Probe("c0", "", null, IPAddress.Loopback, transport, port, true)));

    // Seed 4288: every port but from one source port; the probe's source port is known.
    [Theory]
    [InlineData("udp, tcp from source ports 0-4930,4932-65535, icmp", 5849, 40000, true)]
    [InlineData("udp, tcp from source ports 0-4930,4932-65535, icmp", 5849, 4931, false)]
    [InlineData("tcp from source port 4931", 5849, 4931, true)]
    [InlineData("tcp/6832 from source port 26545", 6832, 26545, true)]
    [InlineData("tcp/6832 from source port 26545", 6832, 26546, false)]
    public void A_piece_limited_to_source_ports_holds_a_probe_by_its_source_port(string packets, int port, int sourcePort, bool covers) =>
        Assert.Equal(covers, PolicyClaims.Covers(packets, new Probe("c0", "", null, IPAddress.Loopback, Transport.Tcp, port, true), sourcePort));
}
