using System.Text.Json;
using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests.Capture;

/// <summary>
/// flannel's /run/flannel/subnet.env: read live, captured in the bundle (flannel-subnet.env), read back
/// by every command on the bundle, given offline with --flannel-env, and used by fleet for each host's
/// pool and lease (docs/fabrics.md). The sample host keeps docker0 on 172.17.0.0/16, outside any lease.
/// </summary>
public sealed class FlannelEnvTests : IDisposable
{
    private const string Env = "FLANNEL_NETWORK=10.5.0.0/16\nFLANNEL_SUBNET=10.5.94.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n";

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-flannel-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static SampleHost WithFlannel(string env = Env) => new SampleHost().With("grep -s ^ /run/flannel/subnet.env", env);

    private string Capture(SampleHost host, string name)
    {
        var output = Path.Combine(folder, name);
        var run = Dockerfw.Run(["capture", output], stdin: "", host.Register);
        Assert.True(run.ExitCode == 0, run.ToString());
        return output;
    }

    private static IEnumerable<string> Codes(CliRun run)
    {
        using var report = JsonDocument.Parse(run.Out);
        return [.. report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!)];
    }

    [Fact]
    public void Live_audit_reads_subnet_env_and_the_bundle_keeps_it_and_answers_the_same()
    {
        var host = WithFlannel();
        var live = Dockerfw.Run(["audit", "--format", "json"], stdin: "", host.Register);
        var bundle = Capture(WithFlannel(), "host");

        var replayed = Dockerfw.Run("audit", "--format", "json", "--bundle", bundle);

        Assert.Contains("grep -s ^ /run/flannel/subnet.env", host.Asked);
        Assert.Contains("DFW270", Codes(live));
        Assert.Equal(live.ToString(), replayed.ToString());
        Assert.Equal(Env, File.ReadAllText(Path.Combine(bundle, "flannel-subnet.env")));
    }

    [Fact]
    public void Without_subnet_env_the_audit_says_nothing_of_flannel()
    {
        var bundle = Capture(new SampleHost(), "host.tar.gz");

        var run = Dockerfw.Run("audit", "--format", "json", "--bundle", bundle);

        Assert.DoesNotContain(Codes(run), c => c.StartsWith("DFW27", StringComparison.Ordinal));
    }

    [Fact]
    public void Flannel_env_gives_a_saved_hosts_subnet_env_to_the_audit()
    {
        Directory.CreateDirectory(folder);
        var env = Path.Combine(folder, "subnet.env");
        File.WriteAllText(env, Env);
        var dump = Path.Combine(DockerFw.Tests.Corpus.RepoRoot, "samples", "lab-host", "iptables-save");

        var without = Dockerfw.Run("audit", "--format", "json", "--iptables", dump);
        var with = Dockerfw.Run("audit", "--format", "json", "--iptables", dump, "--flannel-env", env);

        Assert.DoesNotContain("DFW270", Codes(without));
        Assert.Contains("DFW270", Codes(with));
    }

    [Fact]
    public void A_flannel_env_without_a_pool_is_refused_and_live_mode_takes_no_flannel_env()
    {
        Directory.CreateDirectory(folder);
        var env = Path.Combine(folder, "not.env");
        File.WriteAllText(env, "FLANNEL_SUBNET=10.5.94.1/24\n");
        var dump = Path.Combine(DockerFw.Tests.Corpus.RepoRoot, "samples", "lab-host", "iptables-save");

        var refused = Dockerfw.Run("audit", "--iptables", dump, "--flannel-env", env);
        var live = Dockerfw.Run("audit", "--flannel-env", env);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"{env} names no FLANNEL_NETWORK", refused.Error);
        Assert.Equal(3, live.ExitCode);
        Assert.Contains("--flannel-env describes a saved host", live.Error);
    }

    [Fact]
    public void Fleet_reads_each_hosts_subnet_env_from_its_bundle()
    {
        // No flanneld rule on either host: only subnet.env says they run flannel, on different pools.
        Capture(WithFlannel(), "a");
        Capture(WithFlannel("FLANNEL_NETWORK=10.6.0.0/16\nFLANNEL_SUBNET=10.6.3.1/24\n"), "b.tar.gz");

        var run = Dockerfw.Run("fleet", "--format", "json", folder);

        var codes = Codes(run).ToList();
        Assert.Contains("DFW779", codes);
        Assert.Contains("DFW777", codes);
        Assert.Contains("10.5.0.0/16 on a; 10.6.0.0/16 on b", run.Out);
    }
}
