using System.Text.Json;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests;

/// <summary>
/// `dockerfw reach` over a real Docker capture: ports 8080, 9000, 9001 published to 172.17.0.2 on
/// docker0; and over Docker 29's nftables backend (moby29-nftables-usernet-portmap).
/// </summary>
public sealed class ReachCommandTests
{
    private static readonly string Docker = Corpus.PathOf("docker", "docker20.10-default-bridge-ports.iptables-save");

    private static readonly string[] FromOutsideToDocker0 =
    [
        "reach", "--iptables", Docker, "--hook", "FORWARD", "--in", "eth0", "--out", "docker0", "--proto", "tcp", "--state", "NEW",
        "--host-address", "eth0=10.0.2.15/24", "--host-address", "docker0=172.17.0.1/16",
    ];

    private static readonly string[] Dimensions = ["src", "dst", "proto", "sport", "dport", "icmpType", "state", "mark", "in", "out", "flags"];

    [Fact]
    public void Json_output_follows_the_documented_contract()
    {
        var run = Dockerfw.Run([.. FromOutsideToDocker0, "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var regions = JsonDocument.Parse(run.Out).RootElement.GetProperty("regions").EnumerateArray().ToList();
        Assert.NotEmpty(regions);
        foreach (var region in regions)
        {
            Assert.Equal(["boxes", "rules", "verdict"], region.EnumerateObject().Select(p => p.Name).Order());
            Assert.Contains(region.GetProperty("verdict").GetString(), new[] { "ACCEPT", "DROP", "REJECT", "MAYBE" });
            foreach (var box in region.GetProperty("boxes").EnumerateArray())
                foreach (var dimension in box.EnumerateObject())
                {
                    Assert.Contains(dimension.Name, Dimensions);
                    Assert.All(dimension.Value.EnumerateArray(), v => Assert.Equal(JsonValueKind.String, v.ValueKind));
                }

            foreach (var rule in region.GetProperty("rules").EnumerateArray())
                Assert.Equal(["chain", "line", "rule", "table"], rule.EnumerateObject().Select(p => p.Name).Order());
        }
    }

    [Fact]
    public void Tcp_flags_are_written_in_iptables_words_where_a_rule_tests_them()
    {
        // The ufw-docker recipe's refusal of a public client's SYN: reach splits NEW TCP on the flags
        // (a NEW packet that is no SYN, conntrack's mid-stream pick-up, goes on to the policy); the
        // other protocols never list flags (the ported ones and the rest are parts of the query of their own).
        var file = Path.Combine(Path.GetTempPath(), $"dockerfw-reach-{Guid.NewGuid():N}.rules");
        File.WriteAllText(file, """
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 172.16.0.0/12 -j DROP
            COMMIT

            """);
        CliRun run;
        try
        {
            run = Dockerfw.Run(["reach", "--iptables", file, "--hook", "FORWARD", "--dst", "172.17.0.2/32", "--state", "NEW"]);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("""
            FORWARD: 2 regions

            ACCEPT
              packets: proto 17,33,132,136
              packets: proto 6  flags !SYN/FIN,SYN,RST,ACK
              packets: proto 0-5,7-16,18-32,34-131,133-135,137-255

            DROP
              packets: proto 6  flags SYN/FIN,SYN,RST,ACK
              rule: filter/FORWARD#1 (line 5)

            """, run.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_region_that_is_the_whole_query_is_written_as_one_unconstrained_box()
    {
        // Two bridges isolated from each other: every new packet from one to the other is dropped.
        var two = Corpus.PathOf("docker", "docker20.10-two-networks.iptables-save");
        var run = Dockerfw.Run(["reach", "--iptables", two, "--in", "bridge1", "--out", "bridge2", "--src", "192.0.2.0/24", "--state", "NEW", "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var region = Assert.Single(JsonDocument.Parse(run.Out).RootElement.GetProperty("regions").EnumerateArray());
        Assert.Equal("DROP", region.GetProperty("verdict").GetString());
        var box = Assert.Single(region.GetProperty("boxes").EnumerateArray());
        Assert.Empty(box.EnumerateObject());
    }

    [Fact]
    public void The_published_port_reached_at_the_hosts_address_is_accepted_through_its_DNAT_rule()
    {
        // The container itself reaching its own published port (hairpin) is a region of its own: it is
        // also masqueraded.
        var run = Dockerfw.Run([.. FromOutsideToDocker0, "--format", "json"]);

        var regions = JsonDocument.Parse(run.Out).RootElement.GetProperty("regions").EnumerateArray();
        var published = regions.Single(r => r.GetProperty("boxes").EnumerateArray().Any(b =>
            b.TryGetProperty("dport", out var dport) && dport.EnumerateArray().Select(v => v.GetString()).SequenceEqual(["8080"])
            && b.GetProperty("dst").EnumerateArray().Any(v => v.GetString() == "10.0.2.15")
            && !(b.TryGetProperty("src", out var src) && src.EnumerateArray().Select(v => v.GetString()).SequenceEqual(["172.17.0.2"]))));
        Assert.Equal("ACCEPT", published.GetProperty("verdict").GetString());
        var rules = published.GetProperty("rules").EnumerateArray()
            .Select(r => $"{r.GetProperty("table").GetString()}/{r.GetProperty("chain").GetString()}#{r.GetProperty("rule").GetInt32()}@{r.GetProperty("line").GetInt32()}");
        Assert.Equal(["nat/PREROUTING#1@35", "nat/DOCKER#4@45", "filter/FORWARD#1@13", "filter/DOCKER-USER#1@27", "filter/FORWARD#2@14",
            "filter/DOCKER-ISOLATION-STAGE-1#2@24", "filter/FORWARD#4@16", "filter/DOCKER#3@21"], rules);
    }

    [Fact]
    public void Without_the_hosts_addresses_the_published_port_is_only_possibly_reachable_and_text_says_why()
    {
        var run = Dockerfw.Run(FromOutsideToDocker0[..^4]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("FORWARD: ", run.Out);
        Assert.Contains("\nMAYBE\n", run.Out);
        Assert.Contains("  undecided: nat/PREROUTING#1 (line 35): address types depend on the host's addresses\n", run.Out);
    }

    [Theory]
    [InlineData("--src", "10.0.0.0/33", "--src: expected an address or CIDR of one family (e.g. 172.18.0.0/16), or a container (web, web@frontend) or network Docker's view names, but got '10.0.0.0/33'")]
    [InlineData("--proto", "tcpp", "--proto: expected tcp, udp, icmp, a protocol name or a number 0-255, but got 'tcpp'")]
    [InlineData("--state", "NEW,OLD", "--state: expected states among INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT, but got 'NEW,OLD'")]
    public void A_bad_query_is_a_usage_error_that_says_what_was_expected(string option, string value, string message)
    {
        var run = Dockerfw.Run("reach", "--iptables", Docker, option, value);

        Assert.Equal(3, run.ExitCode);
        Assert.Equal($"dockerfw: usage: {message}\n", run.Error);
    }

    [RootFact]
    public void Docker_29s_nftables_layout_drops_every_new_packet_from_one_bridge_to_another()
    {
        using var netns = new TestNamespace();
        var nft = NftListing.OfDocker29("moby29-nftables-usernet-portmap.nft", netns);
        try
        {
            var run = Dockerfw.Run(["reach", "--nft", nft, "--in", "bridge1", "--out", "docker0", "--src", "192.0.2.0/24", "--dst", "172.17.0.0/16",
                "--state", "NEW", "--format", "json"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            var region = Assert.Single(JsonDocument.Parse(run.Out).RootElement.GetProperty("regions").EnumerateArray());
            Assert.Equal("DROP", region.GetProperty("verdict").GetString());
            Assert.Empty(Assert.Single(region.GetProperty("boxes").EnumerateArray()).EnumerateObject());
            var isolation = Assert.Single(region.GetProperty("rules").EnumerateArray(), r => r.GetProperty("chain").GetString() == "filter-forward-in__docker0");
            Assert.Equal(("ip docker-bridges", 3), (isolation.GetProperty("table").GetString(), isolation.GetProperty("rule").GetInt32()));
            Assert.True(isolation.GetProperty("handle").GetInt64() > 0);
        }
        finally
        {
            File.Delete(nft);
        }
    }

    [Fact]
    public void An_nft_listing_alone_is_read_and_its_rules_are_named_by_family_table_and_handle()
    {
        var nft = NftListing.Guard();
        try
        {
            var run = Dockerfw.Run(["reach", "--nft", nft, "--hook", "FORWARD", "--proto", "tcp"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("FORWARD: 2 regions\n\nACCEPT\n  packets: dport 0-79,81-65535\n\nDROP\n  packets: dport 80\n  rule: inet guard/forward#1 (line 4, handle 7)\n", run.Out);
        }
        finally
        {
            File.Delete(nft);
        }
    }

    [Fact]
    public void Names_of_Docker_s_view_stand_for_their_addresses_a_network_for_its_subnet()
    {
        var host = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");
        string[] inputs = ["--iptables", Path.Combine(host, "iptables-save"), "--docker", Path.Combine(host, "docker-networks.json"), "--docker", Path.Combine(host, "docker-containers.json"),
            "--proto", "tcp", "--state", "NEW", "--format", "json"];
        var (frontend, db) = ("172.30.1.0/24", LabHostAddress(host, "db", "backend"));

        var named = Dockerfw.Run(["reach", "--src", "frontend", "--dst", "db@backend", .. inputs]);
        var numbered = Dockerfw.Run(["reach", "--src", frontend, "--dst", db, .. inputs]);
        var ambiguous = Dockerfw.Run(["reach", "--src", "api", "--dst", "db", .. inputs]);
        var unknown = Dockerfw.Run(["reach", "--src", "nosuch", .. inputs]);

        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Equal(numbered.Out, named.Out);
        Assert.Equal(2, ambiguous.ExitCode);
        Assert.Contains("--src: container api is on backend, frontend: name one as api@NETWORK", ambiguous.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--src: 'nosuch' is neither an address nor a container or network Docker's view names", unknown.Error, StringComparison.Ordinal);
    }

    private static string LabHostAddress(string host, string container, string network)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(host, "docker-containers.json")));
        var item = json.RootElement.EnumerateArray().Single(c => c.GetProperty("Name").GetString() == "/" + container);
        return item.GetProperty("NetworkSettings").GetProperty("Networks").GetProperty(network).GetProperty("IPAddress").GetString()!;
    }
}
