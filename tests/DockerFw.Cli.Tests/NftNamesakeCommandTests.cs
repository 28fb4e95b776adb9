using System.Text.Json;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests;

/// <summary>
/// Debian 12's stock /etc/nftables.conf (<c>table inet filter</c>, empty accepting base chains) and the
/// empty <c>ip6 filter</c> ip6tables-nft leaves behind sit beside Docker's iptables rules: audit,
/// trace and reach still see iptables' filter table, and the networks stay isolated.
/// </summary>
public sealed class NftNamesakeCommandTests
{
    private static readonly string Docker = Corpus.PathOf("docker", "docker20.10-two-networks.iptables-save");

    public static TheoryData<string> Listings() => ["debian-stock", "leftover-ip6-filter"];

    [Theory]
    [MemberData(nameof(Listings))]
    public void Audit_reports_no_isolation_hole_and_every_network_pair_denied(string listing)
    {
        var nft = Write(listing);
        try
        {
            var alone = Dockerfw.Run(["audit", "--iptables", Docker, "--format", "json"]);
            var beside = Dockerfw.Run(["audit", "--iptables", Docker, "--nft", nft, "--format", "json"]);

            Assert.True(beside.ExitCode == alone.ExitCode, beside.ToString());
            var report = JsonDocument.Parse(beside.Out).RootElement;
            Assert.DoesNotContain(report.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "DFW201");
            var verdicts = Audit.MatrixVerdicts.Of(report.GetProperty("reachability")).Select(r => r.Verdict).ToList();
            Assert.Equal(6, verdicts.Count);
            Assert.All(verdicts, v => Assert.Equal("denied", v));
        }
        finally
        {
            File.Delete(nft);
        }
    }

    [Theory]
    [MemberData(nameof(Listings))]
    public void Trace_and_reach_drop_a_connection_from_one_network_to_another(string listing)
    {
        var nft = Write(listing);
        try
        {
            var trace = Dockerfw.Run(["trace", "--iptables", Docker, "--nft", nft, "--in", "bridge1", "--out", "bridge2",
                "--src", "192.0.2.2", "--dst", "198.51.100.3", "--proto", "tcp", "--sport", "40000", "--dport", "22"]);
            var reach = Dockerfw.Run(["reach", "--iptables", Docker, "--nft", nft, "--in", "bridge1", "--out", "bridge2",
                "--src", "192.0.2.0/24", "--dst", "198.51.100.0/24", "--state", "NEW", "--format", "json"]);

            Assert.True(trace.ExitCode == 0, trace.ToString());
            Assert.StartsWith("verdict: DROP\n", trace.Out);
            Assert.True(reach.ExitCode == 0, reach.ToString());
            var region = Assert.Single(JsonDocument.Parse(reach.Out).RootElement.GetProperty("regions").EnumerateArray());
            Assert.Equal("DROP", region.GetProperty("verdict").GetString());
        }
        finally
        {
            File.Delete(nft);
        }
    }

    private static string Write(string listing)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dfwcli-nft-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, listing == "debian-stock"
            ? """
              {"nftables": [{"table": {"family": "inet", "name": "filter", "handle": 1}},
               {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
               {"chain": {"family": "inet", "table": "filter", "name": "forward", "handle": 2, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
               {"chain": {"family": "inet", "table": "filter", "name": "output", "handle": 3, "type": "filter", "hook": "output", "prio": 0, "policy": "accept"}}]}
              """
            : """
              {"nftables": [{"table": {"family": "ip6", "name": "filter", "handle": 2}},
               {"chain": {"family": "ip6", "table": "filter", "name": "INPUT", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}]}
              """);
        return path;
    }
}
