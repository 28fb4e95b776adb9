using System.Text.Json;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

public sealed class AuditNftTests
{
    [Fact]
    public void An_nft_listing_is_read_and_named_among_the_inputs()
    {
        var file = Corpus.PathOf("nft", "docker-like.ruleset.json");
        var run = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--nft", file, "--format", "json"]);

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        var inputs = JsonDocument.Parse(run.Out).RootElement.GetProperty("inputs").EnumerateArray()
            .Select(i => (i.GetProperty("kind").GetString(), i.GetProperty("name").GetString())).ToList();
        Assert.Contains(("nft", file), inputs);
    }

    [Fact]
    public void An_nft_file_that_is_not_json_is_a_diagnostic_and_exit_2_without_a_report()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"dfw-nft-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, "{\"nftables\": [\n");
        try
        {
            var run = LabHost.Run(["audit", "--nft", bad]);

            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Equal("", run.Out);
            Assert.StartsWith($"{bad}:", run.Error);
            Assert.Contains("[DFW120]", run.Error);
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
