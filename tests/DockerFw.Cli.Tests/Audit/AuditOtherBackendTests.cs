using System.Text.Json;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// A host where both iptables back ends hold rules (oracle F7): Docker's in iptables-nft, another
/// tool's in iptables-legacy (FORWARD policy DROP, accepting only replies and eth0 to eth0). The kernel
/// runs both, so a packet is forwarded only when both let it through; every fact is judged so.
/// </summary>
public sealed class AuditOtherBackendTests
{
    private static readonly string Nft = Corpus.PathOf("docker", "docker20.10-sim-legacy-nft-mix.nft.iptables-save");
    private static readonly string Legacy = Corpus.PathOf("docker", "docker20.10-sim-legacy-nft-mix.legacy.iptables-save");

    private static JsonElement Audit(params string[] more)
    {
        var run = Dockerfw.Run(["audit", "--iptables", Nft, "--sysctl", "net.bridge.bridge-nf-call-iptables=1", "--format", "json", .. more]);
        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        return JsonDocument.Parse(run.Out).RootElement.Clone();
    }

    private static JsonElement Network(JsonElement audit, string bridge) =>
        audit.GetProperty("networks").EnumerateArray().Single(n => n.GetProperty("bridge").GetString() == bridge);

    [Fact]
    public void The_legacy_forward_drop_closes_the_published_port_icc_and_the_way_out()
    {
        var audit = Audit("--iptables-legacy", Legacy);

        var port = Assert.Single(audit.GetProperty("published_ports").EnumerateArray());
        Assert.False(port.GetProperty("filter_accepts").GetBoolean());
        Assert.False(Network(audit, "docker0").GetProperty("icc").GetProperty("effective").GetBoolean());
        Assert.False(Network(audit, "bridge1").GetProperty("masquerade").GetProperty("effective").GetBoolean());
        Assert.Contains(audit.GetProperty("inputs").EnumerateArray(), i => i.GetProperty("kind").GetString() == "iptables-legacy");
        var drops = audit.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("code").GetString() == "DFW609").ToList();
        Assert.Equal(3, drops.Count);
        Assert.All(drops, f => Assert.Equal("iptables-legacy filter", f.GetProperty("evidence")[0].GetProperty("table").GetString()));
    }

    [Fact]
    public void Evidence_in_the_legacy_dump_names_that_file_and_its_line()
    {
        var audit = Audit("--iptables-legacy", Legacy);
        var lines = File.ReadAllLines(Legacy);

        var evidence = audit.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("code").GetString() == "DFW609")
            .Select(f => f.GetProperty("evidence")[0]).ToList();
        Assert.NotEmpty(evidence);
        Assert.All(evidence, e =>
        {
            Assert.Equal(Legacy, e.GetProperty("file").GetString());
            Assert.Contains(e.GetProperty("text").GetString()!, lines[e.GetProperty("line").GetInt32() - 1]);
        });
    }

    [Fact]
    public void Without_the_legacy_dump_the_nft_half_alone_lets_them_through()
    {
        var audit = Audit();

        Assert.True(Assert.Single(audit.GetProperty("published_ports").EnumerateArray()).GetProperty("filter_accepts").GetBoolean());
        Assert.True(Network(audit, "docker0").GetProperty("icc").GetProperty("effective").GetBoolean());
    }

    [Fact]
    public void Trace_shows_the_legacy_policy_dropping_an_outbound_packet_the_nft_rules_accept()
    {
        var run = Dockerfw.Run("trace", "--iptables", Nft, "--iptables-legacy", Legacy, "--in", "bridge1", "--out", "eth0",
            "--src", "192.0.2.2", "--dst", "198.51.100.77", "--proto", "tcp", "--dport", "443");

        Assert.Contains("DROP", run.Out);
        Assert.Contains("iptables-legacy filter", run.Out);
    }

    [Fact]
    public void The_legacy_dump_goes_with_dump_files_not_live_mode()
    {
        var run = Dockerfw.Run("audit", "--iptables-legacy", Legacy);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("--iptables-legacy", run.Error);
    }
}
