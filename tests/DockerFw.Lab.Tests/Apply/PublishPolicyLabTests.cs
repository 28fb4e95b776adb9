using System.Globalization;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Apply;

/// <summary>
/// A published port restricted to some sources (<c>publish web tcp/8080 from 198.51.100.0/25</c>),
/// with two clients outside: the lab's outside address (allowed) and a second one in the upper half
/// of the link's /24 (not allowed). <c>audit --policy</c> is checked against real connections.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class PublishPolicyLabTests
{
    private const string Stranger = "198.51.100.200";

    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public PublishPolicyLabTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void A_source_restriction_is_reported_broken_before_apply_and_clean_after_while_only_the_allowed_client_connects()
    {
        lab.CreateNetwork("pub", "--subnet", "172.31.43.0/24");
        traffic.EchoServer("web", ["--network", "pub", "-p", "8080:80"], 80);
        var folder = Directory.CreateTempSubdirectory("dfw-lab-publish-").FullName;
        var policy = Path.Combine(folder, "web.policy");
        File.WriteAllText(policy, "publish web tcp/8080 from 198.51.100.0/25\n");
        lab.InOutside("ip", "addr", "add", Stranger + "/24", "dev", "uplink1");
        try
        {
            var before = PolicyRuns.Audit(lab, policy);
            var trafficBefore = Traffic.All(() => ConnectsFrom(LabDaemon.OutsideAddress), () => ConnectsFrom(Stranger));
            var applied = PolicyRuns.Apply(lab, policy, folder);
            var after = PolicyRuns.Audit(lab, policy);
            var trafficAfter = Traffic.All(() => ConnectsFrom(LabDaemon.OutsideAddress), () => ConnectsFrom(Stranger));

            Assert.Equal([true, true], trafficBefore);
            Assert.True(before.Exit == 1, before.Output);
            var open = Assert.Single(before.Findings("DFW902"));
            Assert.StartsWith("tcp/8080 on ", open.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains(" from 0.0.0.0-198.51.99.255, 198.51.100.128-255.255.255.255: new connections reach 'web'", open.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.True(applied.Exit == 0, applied.Output);
            Assert.Equal([true, false], trafficAfter);
            Assert.True(after.Exit == 0, after.Output);
            Assert.Empty(after.Codes);
        }
        finally
        {
            lab.InOutside("ip", "addr", "del", Stranger + "/24", "dev", "uplink1");
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A connection from one of the outside namespace's addresses to the published port on the lab host (netcat-openbsd picks the source).</summary>
    private bool ConnectsFrom(string source)
    {
        var word = $"dfw{Random.Shared.Next(100000, 999999)}";
        var run = lab.InOutside("timeout", "4", "sh", "-c",
            $"echo {word} | nc -w 2 -s {source} {LabDaemon.UplinkAddress} {8080.ToString(CultureInfo.InvariantCulture)}");
        return run.Out.Contains(word, StringComparison.Ordinal);
    }
}
