using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The oracle's own comparisons on hand-made hosts and traffic (no root): reach's verdicts looked up
/// per probe, and the findings that must follow from what got through. Each can fail: the same
/// traffic against the opposite rules is a disagreement.
/// </summary>
public sealed class OracleCheckerTests
{
    private const string Host = """
        [{"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
         {"ifname":"br-a","addr_info":[{"family":"inet","local":"10.1.0.1","prefixlen":24}],"linkinfo":{"info_kind":"bridge","info_data":{"nf_call_iptables":0}}},
         {"ifname":"br-b","addr_info":[{"family":"inet","local":"10.2.0.1","prefixlen":24}],"linkinfo":{"info_kind":"bridge","info_data":{"nf_call_iptables":0}}}]
        """;

    private static string Filter(string policy, params string[] rules) =>
        $"*filter\n:INPUT ACCEPT [0:0]\n:FORWARD {policy} [0:0]\n:OUTPUT ACCEPT [0:0]\n{string.Concat(rules.Select(r => r + "\n"))}COMMIT\n";

    private static ProbeResult Tcp(string from, string to, int port, Outcome outcome) =>
        new(new Probe("c0", "", IPAddress.Parse(from), IPAddress.Parse(to), Transport.Tcp, port, true), outcome, 40000);

    private static IReadOnlyList<Disagreement> Reach(string iptables, params ProbeResult[] traffic) =>
        new ReachChecker(new Dictionary<string, string>
        {
            ["iptables-save"] = iptables, ["ip6tables-save"] = "", ["host.json"] = Host,
            ["sysctls"] = "net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\n",
        }, traffic).Check();

    [Fact]
    public void Reach_agrees_when_its_verdicts_are_what_the_probes_met()
    {
        Assert.Empty(Reach(Filter("ACCEPT"), Tcp("10.1.0.2", "10.2.0.2", 80, Outcome.Echoed)));
        Assert.Empty(Reach(Filter("DROP"), Tcp("10.1.0.2", "10.2.0.2", 80, Outcome.Silent)));
    }

    [Fact]
    public void Reach_disagrees_with_a_probe_that_passed_a_drop_or_died_in_an_accept()
    {
        Assert.Equal("reach/drops-but-reached", Assert.Single(Reach(Filter("DROP"), Tcp("10.1.0.2", "10.2.0.2", 80, Outcome.Echoed))).Class);
        Assert.Equal("reach/accepts-but-blocked", Assert.Single(Reach(Filter("ACCEPT"), Tcp("10.1.0.2", "10.2.0.2", 80, Outcome.Silent))).Class);
    }

    [Fact]
    public void Reach_judges_the_answer_too_so_a_dropped_reply_is_a_probe_that_cannot_come_back()
    {
        // New connections pass, their replies do not.
        var oneWay = Filter("ACCEPT", "-A FORWARD -i br-b -o br-a -m conntrack --ctstate ESTABLISHED -j DROP");
        Assert.Empty(Reach(oneWay, Tcp("10.1.0.2", "10.2.0.2", 80, Outcome.Silent)));
        Assert.Equal("reach/drops-but-reached", Assert.Single(Reach(oneWay, Tcp("10.1.0.2", "10.2.0.2", 80, Outcome.Echoed))).Class);
    }

    [Fact]
    public void Reach_judges_a_tcp_probes_later_packets_so_a_dropped_ack_is_a_probe_that_cannot_come_back()
    {
        // Oracle F38: the SYN and the SYN,ACK pass, the handshake's ACK and the data do not.
        var openingOnly = Filter("ACCEPT", "-A FORWARD -i br-a -o br-b -m conntrack --ctstate ESTABLISHED -j DROP");
        Assert.Empty(Reach(openingOnly, Tcp("10.1.0.2", "10.2.0.2", 80, Outcome.Silent)));
        Assert.Equal("reach/drops-but-reached", Assert.Single(Reach(openingOnly, Tcp("10.1.0.2", "10.2.0.2", 80, Outcome.Echoed))).Class);
        // A SYN to an unused port is answered by a RST: no later packet is sent.
        var unused = new ProbeResult(new Probe("c0", "", IPAddress.Parse("10.1.0.2"), IPAddress.Parse("10.2.0.2"), Transport.Tcp, 64999, false), Outcome.Refused, 40000);
        Assert.Empty(Reach(openingOnly, unused));
    }

    [Fact]
    public void Reach_boxes_do_not_overlap_oracle_finding_F6_fixed()
    {
        // Guard for docs/oracle-findings.md F6: with one --sport rule, the ACCEPT region had a box
        // printed as {} ("all of the query") that also held the DROP box's packets. Each box now lists
        // what makes it mean exactly its packets: the tcp/80-from packet is in the DROP region only.
        var regions = new ReachRegions(JsonDocument.Parse(ReachJson(Filter("ACCEPT", "-A FORWARD -p tcp -m tcp --sport 80 -j DROP"))).RootElement);
        var verdict = regions.Of(new Dictionary<string, string> { ["src"] = "10.2.0.2", ["dst"] = "10.1.0.2", ["proto"] = "6", ["sport"] = "80", ["dport"] = "40000", ["state"] = "ESTABLISHED", ["in"] = "br-b", ["out"] = "br-a", ["mark"] = "0" });
        Assert.Equal("DROP", verdict?.Verdict);
        Assert.Equal("ACCEPT", regions.Of(new Dictionary<string, string> { ["src"] = "10.2.0.2", ["dst"] = "10.1.0.2", ["proto"] = "1", ["icmpType"] = "8", ["state"] = "NEW", ["in"] = "br-b", ["out"] = "br-a", ["mark"] = "0" })?.Verdict);
        Assert.False(regions.Overlapping, "reach's boxes overlap again (oracle finding F6)");
    }

    [Fact]
    public void A_box_given_as_the_interfaces_it_leaves_out_holds_every_other_one()
    {
        // reach writes "any output but br-a" as outExcept (31f1a2b); the oracle read such a box as
        // holding nothing, and the soak of seeds 3600-3699 saw regions missing and overlapping.
        var json = ReachJson(Filter("ACCEPT", "-A FORWARD -i br-x -o br-a -j DROP", "-A FORWARD -i br-x ! -o br-a -j DROP",
            "-A FORWARD -o br-b -j ACCEPT", "-A FORWARD -o br-c -j ACCEPT", "-A FORWARD -o br-d -j ACCEPT"));
        var regions = new ReachRegions(JsonDocument.Parse(json).RootElement);
        Dictionary<string, string> Packet(string output) => new() { ["src"] = "10.1.0.2", ["dst"] = "10.2.0.2", ["proto"] = "6", ["sport"] = "40000", ["dport"] = "80", ["state"] = "NEW", ["in"] = "br-x", ["out"] = output, ["mark"] = "0" };

        Assert.Contains("\"outExcept\"", json, StringComparison.Ordinal);
        Assert.Equal("DROP", regions.Of(Packet("br-c"))?.Verdict);
        Assert.Equal("DROP", regions.Of(Packet("eth0"))?.Verdict);
        Assert.Equal("DROP", regions.Of(Packet("br-a"))?.Verdict);
        Assert.Equal("ACCEPT", regions.Of(Packet("br-c") is var p ? new Dictionary<string, string>(p) { ["in"] = "br-y" } : null!)?.Verdict);
        Assert.False(regions.Overlapping);
    }

    private static string ReachJson(string iptables)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, iptables);
            var output = new StringWriter { NewLine = "\n" };
            var exit = DockerFw.Cli.DockerFwApp.Run(["reach", "--iptables", file, "--hook", "FORWARD", "--format", "json"],
                new DockerFw.Cli.StandardStreams(new StringReader(""), output, new StringWriter()));
            Assert.Equal(0, exit);
            return output.ToString();
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static JsonElement Audit(string findings) => JsonDocument.Parse($$"""
        {"networks":[
           {"name":"a","subnets":["10.1.0.0/24"],"icc":{"declared":false,"effective":false},"icc_v6":null},
           {"name":"b","subnets":["10.2.0.0/24"],"icc":{"declared":true,"effective":true},"icc_v6":null}],
         "links":[], "findings":[{{findings}}]}
        """).RootElement;

    [Fact]
    public void A_connection_between_two_networks_needs_an_isolation_finding()
    {
        var traffic = new[] { Tcp("10.1.0.2", "10.2.0.2", 80, Outcome.Echoed) };
        Assert.Equal("finding/DFW201-202-missing", Assert.Single(new FindingClaims(Audit(""), traffic).Check()).Class);
        Assert.Empty(new FindingClaims(Audit("""{"code":"DFW202","message":"containers of a can reach containers of b","networks":["a","b"]}"""), traffic).Check());
    }

    [Fact]
    public void A_connection_inside_an_icc_false_network_needs_DFW301()
    {
        var traffic = new[] { Tcp("10.1.0.2", "10.1.0.3", 80, Outcome.Echoed) };
        Assert.Equal("finding/DFW301-missing", Assert.Single(new FindingClaims(Audit(""), traffic).Check()).Class);
        Assert.Empty(new FindingClaims(Audit("""{"code":"DFW301","message":"a has icc disabled, but","networks":["a"]}"""), traffic).Check());
    }

    [Fact]
    public void Silence_inside_an_icc_true_network_needs_DFW302_unless_its_connections_lie_where_no_probe_went()
    {
        // Seed 4361: icc partial, its one connection on a port no container serves (a forward port).
        static JsonElement Icc(string effective, string flows) => JsonDocument.Parse($$"""
            {"networks":[{"name":"b","subnets":["10.2.0.0/24"],"icc":{"declared":true,"effective":{{effective}},"flows":[{{flows}}]},"icc_v6":null}],
             "links":[], "findings":[]}
            """).RootElement;
        var silent = new[] { Tcp("10.2.0.2", "10.2.0.3", 80, Outcome.Silent) };
        const string Elsewhere = """{"protocol":"tcp","ports":"42714","destinations":null,"kind":"connection","possible":false}""";
        const string There = """{"protocol":"tcp","ports":"80","destinations":null,"kind":"connection","possible":false}""";

        Assert.Equal("finding/DFW302-missing", Assert.Single(new FindingClaims(Icc("false", ""), silent).Check()).Class);
        Assert.Empty(new FindingClaims(Icc("\"partial\"", Elsewhere), silent).Check());
        Assert.Equal("finding/DFW302-missing", Assert.Single(new FindingClaims(Icc("\"partial\"", There), silent).Check()).Class);
        Assert.Empty(new FindingClaims(Icc("null", ""), silent).Check());
    }

    [Fact]
    public void An_uncertain_answer_is_not_a_wrong_one_only_where_the_host_holds_a_rule_no_engine_can_decide()
    {
        var limited = ScenarioGenerator.Generate(4986).WithTampers([new Tamper(TamperKinds.LimitToPort, Container: "c0", Port: 80)]);
        var marked = limited.WithTampers([new Tamper(TamperKinds.MarkedDrop)]);
        var possible = new Disagreement("container-matrix/possible-flow", "c0 -> c1 is partial", []);
        var wrong = new Disagreement("container-matrix/denied-but-reached", "c0 -> c1 is denied", []);

        Assert.Equal("by design", KnownWrongAnswer.For(possible, limited)?.Issue);
        Assert.Null(KnownWrongAnswer.For(wrong, limited));
        Assert.Null(KnownWrongAnswer.For(possible, marked));
    }
}
