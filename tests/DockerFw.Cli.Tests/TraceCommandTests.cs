using System.Text.Json;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests;

/// <summary>
/// `dockerfw trace` over a real Docker capture: published port 8080 -> 172.17.0.2:80 on docker0; and
/// over Docker 29's nftables backend (moby29-nftables-usernet-portmap: bridge1 192.0.2.0/24 beside
/// docker0, port 8080 published to 192.0.2.2:80).
/// </summary>
public sealed class TraceCommandTests
{
    private static readonly string Docker = Corpus.PathOf("docker", "docker20.10-default-bridge-ports.iptables-save");

    private static readonly string[] PublishedPort =
    [
        "trace", "--iptables", Docker, "--in", "eth0", "--out", "docker0", "--src", "203.0.113.50", "--dst", "10.0.2.15",
        "--proto", "tcp", "--sport", "40000", "--dport", "8080",
        "--host-address", "eth0=10.0.2.15/24", "--host-address", "docker0=172.17.0.1/16",
    ];

    [Fact]
    public void Text_output_names_the_verdict_every_counted_rule_and_the_packet_after_dnat()
    {
        var run = Dockerfw.Run(PublishedPort);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("verdict: ACCEPT\n", run.Out);
        Assert.Contains("  nat/DOCKER#4 line 45: -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\n", run.Out);
        Assert.Contains("decided by: filter/DOCKER#3 (line 21)\n", run.Out);
        Assert.Contains("packet as it left: tcp 203.0.113.50:40000 -> 172.17.0.2:80 flags SYN in eth0 out docker0 state NEW,DNAT mark 0x0\n", run.Out);
    }

    [Fact]
    public void Json_output_follows_the_documented_contract()
    {
        var run = Dockerfw.Run([.. PublishedPort, "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var root = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal("ACCEPT", root.GetProperty("verdict").GetString());
        Assert.True(root.GetProperty("certain").GetBoolean());
        var matched = root.GetProperty("matched").EnumerateArray()
            .Select(m => $"{m.GetProperty("table").GetString()}/{m.GetProperty("chain").GetString()}#{m.GetProperty("rule").GetInt32()}@{m.GetProperty("line").GetInt32()}")
            .ToList();
        Assert.Equal(["nat/PREROUTING#1@35", "nat/DOCKER#4@45", "filter/FORWARD#1@13", "filter/DOCKER-USER#1@27", "filter/FORWARD#2@14",
            "filter/DOCKER-ISOLATION-STAGE-1#2@24", "filter/FORWARD#4@16", "filter/DOCKER#3@21"], matched);
        Assert.Equal("-A FORWARD -j DOCKER-USER", root.GetProperty("matched")[2].GetProperty("text").GetString());
        var packet = root.GetProperty("packet");
        Assert.Equal("172.17.0.2", packet.GetProperty("dst").GetString());
        Assert.Equal(80, packet.GetProperty("dport").GetInt32());
        Assert.Equal("NEW,DNAT", packet.GetProperty("state").GetString());
        Assert.Equal("DNAT", packet.GetProperty("nat")[0].GetProperty("kind").GetString());
        Assert.False(root.TryGetProperty("possible", out _));
    }

    [Theory]
    [InlineData(new string[0], "SYN")]
    [InlineData(new[] { "--tcp-flags", "SYN,ACK,ECE" }, "SYN,ACK,ECE")]
    [InlineData(new[] { "--state", "ESTABLISHED" }, "ACK")]
    public void Json_gives_a_tcp_packets_flags(string[] options, string flags)
    {
        var run = Dockerfw.Run([.. PublishedPort, .. options, "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(flags, JsonDocument.Parse(run.Out).RootElement.GetProperty("packet").GetProperty("flags").GetString());
    }

    [Theory]
    [InlineData(new string[0], " flags SYN in eth0 ")]
    [InlineData(new[] { "--tcp-flags", "SYN,ACK,ECE" }, " flags SYN,ACK,ECE in eth0 ")]
    [InlineData(new[] { "--tcp-flags", "NONE" }, " flags NONE in eth0 ")]
    [InlineData(new[] { "--state", "ESTABLISHED" }, " flags ACK in eth0 ")]
    public void Text_gives_a_tcp_packets_flags_as_json_does(string[] options, string shown)
    {
        var run = Dockerfw.Run([.. PublishedPort, .. options]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(shown, run.Out.Split('\n').Single(l => l.StartsWith("packet as it left: ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_gives_no_flags_for_a_packet_without_them()
    {
        var run = Dockerfw.Run([.. PublishedPort.Select(o => o == "tcp" ? "udp" : o)]);

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        Assert.Contains("packet as it left: udp 203.0.113.50:40000 -> ", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(" flags ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_hosts_addresses_the_answer_is_uncertain_and_json_lists_each_possibility_with_its_assumption()
    {
        var run = Dockerfw.Run([.. PublishedPort[..^4], "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var root = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal("MAYBE", root.GetProperty("verdict").GetString());
        Assert.False(root.GetProperty("certain").GetBoolean());
        var possible = root.GetProperty("possible").EnumerateArray().ToList();
        Assert.Equal(["ACCEPT", "DROP"], possible.Select(p => p.GetProperty("verdict").GetString()).Order());
        Assert.All(possible, p => Assert.Equal(35, p.GetProperty("assumptions")[0].GetProperty("line").GetInt32()));
    }

    [Fact]
    public void Connection_mode_traces_the_reply_and_says_reachable()
    {
        var run = Dockerfw.Run([.. PublishedPort, "--connection"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("connection: reachable\n", run.Out);
        Assert.Contains("packet as it left: tcp 10.0.2.15:8080 -> 203.0.113.50:40000", run.Out);
    }

    [Fact]
    public void Icmp_defaults_to_an_echo_request()
    {
        var run = Dockerfw.Run("trace", "--iptables", Docker, "--in", "docker0", "--out", "eth0", "--src", "172.17.0.2", "--dst", "198.51.100.1",
            "--proto", "icmp", "--host-address", "eth0=10.0.2.15/24", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var packet = JsonDocument.Parse(run.Out).RootElement.GetProperty("packet");
        Assert.Equal(8, packet.GetProperty("icmpType").GetInt32());
        Assert.Equal("10.0.2.15", packet.GetProperty("src").GetString()); // masqueraded
    }

    // Oracle F39: an echo reply with no echo request before it has no conntrack entry (INVALID); it is
    // never NEW, so a trace of one as NEW would be of a packet no kernel makes.
    [Fact]
    public void An_icmp_echo_reply_is_traced_as_conntrack_sees_it_alone_invalid()
    {
        var run = Dockerfw.Run("trace", "--iptables", Docker, "--in", "docker0", "--out", "eth0", "--src", "172.17.0.2", "--dst", "198.51.100.1",
            "--proto", "icmp", "--icmp-type", "echo-reply", "--host-address", "eth0=10.0.2.15/24", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var packet = JsonDocument.Parse(run.Out).RootElement.GetProperty("packet");
        Assert.Equal((0, "INVALID"), (packet.GetProperty("icmpType").GetInt32(), packet.GetProperty("state").GetString()));
    }

    [Theory]
    [InlineData("--src", "300.1.2.3", "--src: expected an IPv4 or IPv6 address, but got '300.1.2.3'")]
    [InlineData("--proto", "tpc", "--proto: expected a protocol name or number (tcp, udp, icmp, 47...), but got 'tpc'")]
    [InlineData("--state", "NEWISH", "--state: expected INVALID, NEW, RELATED, ESTABLISHED, UNTRACKED, SNAT, DNAT, but got 'NEWISH'")]
    [InlineData("--tcp-flags", "SYN,ECN", "--tcp-flags: expected flag names among FIN, SYN, RST, PSH, ACK, URG, ECE, CWR (comma-separated) or NONE, but got 'SYN,ECN'")]
    [InlineData("--proto", "udp --tcp-flags SYN", "--tcp-flags: applies to --proto tcp only")]
    [InlineData("--proto", "icmp --icmp-type echo-reply --state NEW",
        "--state: conntrack never makes an ICMP message of type 0 NEW (only a query opens a connection, as NEW): it arrives INVALID,ESTABLISHED,UNTRACKED")]
    public void A_bad_packet_description_is_a_usage_error(string option, string value, string message)
    {
        var args = new List<string> { "trace", "--iptables", Docker, "--src", "10.0.0.1", "--dst", "10.0.0.2", "--proto", "tcp" };
        var at = args.IndexOf(option);
        // "udp --tcp-flags SYN": a value, then another option of the same packet.
        var words = value.Split(' ');
        if (at >= 0) args[at + 1] = words[0];
        else args.AddRange([option, words[0]]);
        args.AddRange(words[1..]);

        var run = Dockerfw.Run([.. args]);

        Assert.Equal(3, run.ExitCode);
        Assert.Equal($"dockerfw: usage: {message}\n", run.Error);
    }

    // ECN-capable connections open with SYN,ECE,CWR; a rule that tests those bits tells them apart.
    [Theory]
    [InlineData(null, "ACCEPT")]
    [InlineData("SYN,ECE,CWR", "DROP")]
    [InlineData("syn,ece", "ACCEPT")]
    public void The_packets_tcp_flags_are_given_with_tcp_flags_and_default_to_a_syn(string? flags, string verdict)
    {
        string[] nft =
        [
            """{"nftables": [{"table": {"family": "inet", "name": "t", "handle": 1}}, {"chain": {"family": "inet", "table": "t", "name": "f", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},""",
            """ {"rule": {"family": "inet", "table": "t", "chain": "f", "handle": 2, "expr": [{"match": {"op": "==", "left": {"&": [{"payload": {"protocol": "tcp", "field": "flags"}}, ["syn", "ack", "ecn", "cwr"]]}, "right": ["syn", "ecn", "cwr"]}}, {"drop": null}]}}]}""",
        ];
        var folder = Directory.CreateTempSubdirectory("dfw-trace-flags-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "iptables-save"), "*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n");
            File.WriteAllText(Path.Combine(folder, "nft.json"), string.Concat(nft));
            string[] args =
            [
                "trace", "--iptables", Path.Combine(folder, "iptables-save"), "--nft", Path.Combine(folder, "nft.json"),
                "--src", "10.0.0.1", "--dst", "10.0.0.2", "--proto", "tcp", "--in", "eth0", "--out", "eth1",
            ];

            var run = Dockerfw.Run(flags is null ? args : [.. args, "--tcp-flags", flags]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.StartsWith($"verdict: {verdict}\n", run.Out);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void An_unreadable_dump_is_exit_2_with_its_diagnostic()
    {
        var run = Dockerfw.Run(["trace", "--iptables", "-", "--src", "10.0.0.1", "--dst", "10.0.0.2", "--proto", "udp"], stdin: "*filter\n-A NOPE -j ACCEPT\nCOMMIT\n");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("<stdin>:2:", run.Error);
    }

    private const string Docker29 = "moby29-nftables-usernet-portmap.nft";

    private static readonly string[] Docker29Host =
        ["--host-address", "eth0=203.0.113.1/24", "--host-address", "docker0=172.17.0.1/16", "--host-address", "bridge1=192.0.2.1/24"];

    [RootFact]
    public void Docker_29s_nftables_layout_delivers_a_published_port_through_its_DNAT_rule_named_by_family_table_and_handle()
    {
        using var netns = new TestNamespace();
        var nft = NftListing.OfDocker29(Docker29, netns);
        try
        {
            var run = Dockerfw.Run(["trace", "--nft", nft, "--in", "eth0", "--out", "bridge1", "--src", "198.51.100.7", "--dst", "203.0.113.1",
                "--proto", "tcp", "--sport", "40000", "--dport", "8080", .. Docker29Host, "--format", "json"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            var root = JsonDocument.Parse(run.Out).RootElement;
            Assert.Equal("ACCEPT", root.GetProperty("verdict").GetString());
            var dnat = root.GetProperty("packet").GetProperty("nat")[0];
            Assert.Equal(("DNAT", "192.0.2.2", 80), (dnat.GetProperty("kind").GetString(), dnat.GetProperty("address").GetString(), dnat.GetProperty("port").GetInt32()));
            var rule = dnat.GetProperty("rule");
            Assert.Equal(("ip docker-bridges", "nat-prerouting-and-output", 1), (rule.GetProperty("table").GetString(), rule.GetProperty("chain").GetString(), rule.GetProperty("rule").GetInt32()));
            Assert.True(rule.GetProperty("handle").GetInt64() > 0);
        }
        finally
        {
            File.Delete(nft);
        }
    }

    [RootFact]
    public void Docker_29s_nftables_layout_drops_a_packet_from_another_bridge_by_the_rule_that_isolates_the_network()
    {
        using var netns = new TestNamespace();
        var nft = NftListing.OfDocker29(Docker29, netns);
        try
        {
            var run = Dockerfw.Run(["trace", "--nft", nft, "--in", "bridge1", "--out", "docker0", "--src", "192.0.2.2", "--dst", "172.17.0.2",
                "--proto", "tcp", "--sport", "40000", "--dport", "80", .. Docker29Host]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.StartsWith("verdict: DROP\n", run.Out);
            Assert.Matches(@"\n  ip docker-bridges/filter-forward-in__docker0#3 line 1 handle \d+: .*UNPUBLISHED PORT DROP.* -j DROP\n", run.Out);
            Assert.Matches(@"\ndecided by: ip docker-bridges/filter-forward-in__docker0#3 \(line 1, handle \d+\)\n", run.Out);
        }
        finally
        {
            File.Delete(nft);
        }
    }

    [RootFact]
    public void Live_mode_reads_the_nft_ruleset_of_the_namespace_as_the_audit_does()
    {
        using var netns = new TestNamespace();
        File.Delete(NftListing.OfDocker29(Docker29, netns));

        var run = Dockerfw.Run(["trace", "--netns", netns.Name, "--in", "eth0", "--out", "bridge1", "--src", "198.51.100.7", "--dst", "203.0.113.1",
            "--proto", "tcp", "--sport", "40000", "--dport", "8080", .. Docker29Host]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("verdict: ACCEPT\n", run.Out);
        Assert.Contains("packet as it left: tcp 198.51.100.7:40000 -> 192.0.2.2:80 flags SYN in eth0 out bridge1", run.Out);
    }

    [Fact]
    public void A_native_table_given_with_nft_runs_beside_the_iptables_dump_and_its_later_drop_is_final()
    {
        var nft = NftListing.Guard();
        try
        {
            var run = Dockerfw.Run([.. PublishedPort, "--nft", nft, "--format", "json"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            var root = JsonDocument.Parse(run.Out).RootElement;
            Assert.Equal("DROP", root.GetProperty("verdict").GetString());
            var last = root.GetProperty("matched").EnumerateArray().Last();
            Assert.Equal(("inet guard", "forward", 1, 7L), (last.GetProperty("table").GetString(), last.GetProperty("chain").GetString(),
                last.GetProperty("rule").GetInt32(), last.GetProperty("handle").GetInt64()));
            Assert.Contains(root.GetProperty("matched").EnumerateArray(), m => m.GetProperty("table").GetString() == "filter" && m.GetProperty("chain").GetString() == "DOCKER");
            Assert.All(root.GetProperty("matched").EnumerateArray().Where(m => m.GetProperty("table").GetString() == "filter"), m => Assert.False(m.TryGetProperty("handle", out _)));
        }
        finally
        {
            File.Delete(nft);
        }
    }
}
