using System.Text.Json;
using DockerFw.Cli.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests.Capture;

/// <summary>
/// `dockerfw capture` then `--bundle`: every command on the bundle answers what it answered live,
/// because the bundle replays the live reader's own questions (docs/capture.md).
/// </summary>
public sealed class CaptureRoundTripTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-capture-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static CliRun On(SampleHost host, params string[] args) => Dockerfw.Run(args, stdin: "", host.Register);

    private string Capture(SampleHost host, string name)
    {
        var output = Path.Combine(folder, name);
        var run = On(host, "capture", output);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith($"dockerfw: captured ", run.Out);
        return output;
    }

    [Theory]
    [InlineData("bundle")]
    [InlineData("bundle.tar.gz")]
    public void Every_command_on_the_bundle_prints_what_it_printed_live_byte_for_byte(string name)
    {
        var bundle = Capture(new SampleHost(), name);

        string[][] commands =
        [
            ["audit", "--format", "json", "--containers"],
            ["audit"],
            ["snapshot"],
            ["reach", "--src", "web", "--dst", "db", "--format", "json"],
            ["trace", "--src", "web", "--dst", "db", "--proto", "tcp", "--dport", "5432", "--connection"],
            ["plan", "--policy", Path.Combine(DockerFw.Tests.Corpus.RepoRoot, "rules", "icc-off-backend.policy")],
        ];
        foreach (var command in commands)
        {
            var live = On(new SampleHost(), command);
            var replayed = Dockerfw.Run([.. command, "--bundle", bundle]);
            Assert.True(live.ExitCode is 0 or 1, $"{string.Join(' ', command)}: {live}");
            Assert.Equal(live.ToString(), replayed.ToString());
        }
    }

    [Fact]
    public void The_bundle_keeps_the_host_as_it_was_when_captured()
    {
        var bundle = Capture(new SampleHost(), "bundle");
        // After the capture, the host's filter table loses every rule: the bundle still answers with the old one.
        var changed = new SampleHost().With("iptables-save", "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n");

        var before = Dockerfw.Run("snapshot", "--bundle", bundle);
        var after = On(changed, "snapshot");

        Assert.Equal(0, before.ExitCode);
        Assert.Contains("-A DOCKER-USER", before.Out);
        Assert.DoesNotContain("-A DOCKER-USER", after.Out);
    }

    [Fact]
    public void A_bundle_is_read_without_root_and_without_running_anything()
    {
        var bundle = Capture(new SampleHost(), "bundle.tar.gz");
        var nothing = new SampleHost();

        var run = Dockerfw.Run(["audit", "--bundle", bundle, "--format", "json"], stdin: "", services =>
        {
            nothing.Register(services);
            services.AddSingleton<DockerFw.Cli.Live.IPrivilege>(new Live.FixedPrivilege(false));
        });

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        Assert.Empty(nothing.Asked);
        using var report = JsonDocument.Parse(run.Out);
        Assert.Contains(report.RootElement.GetProperty("inputs").EnumerateArray(), i => i.GetProperty("name").GetString() == "docker-engine unix:///var/run/docker.sock");
    }

    [Fact]
    public void Capture_asks_the_host_what_the_live_reader_asks_and_the_links_docker_info_and_the_engine_version()
    {
        var host = new SampleHost();
        Capture(host, "bundle");

        Assert.Contains("ip -d -j link show", host.Asked);
        Assert.Contains("GET info", host.Asked);
        Assert.Contains("GET version", host.Asked);
        Assert.Contains("ip -4 -j route show table all", host.Asked);
        Assert.Contains("ss -Hltunp", host.Asked);
        Assert.Contains("GET containers/json?all=1", host.Asked);
    }

    [Fact]
    public void Capture_refuses_to_overwrite()
    {
        Directory.CreateDirectory(Path.Combine(folder, "full"));
        File.WriteAllText(Path.Combine(folder, "full", "x"), "");
        File.WriteAllText(Path.Combine(folder, "old.tar.gz"), "");

        var directory = On(new SampleHost(), "capture", Path.Combine(folder, "full"));
        var archive = On(new SampleHost(), "capture", Path.Combine(folder, "old.tar.gz"));

        Assert.Equal(2, directory.ExitCode);
        Assert.Equal($"dockerfw: error: {Path.Combine(folder, "full")} exists and is not an empty directory: capture writes a new bundle and overwrites nothing\n", directory.Error);
        Assert.Equal(2, archive.ExitCode);
        Assert.Equal($"dockerfw: error: {Path.Combine(folder, "old.tar.gz")} exists: capture writes a new bundle and overwrites nothing\n", archive.Error);
    }

    [Theory]
    [InlineData("--iptables", "x")]
    [InlineData("--netns", "lab")]
    [InlineData("--docker", "x.json")]
    public void A_bundle_with_another_input_is_a_usage_error(string option, string value)
    {
        var run = Dockerfw.Run("audit", "--bundle", "b", option, value);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("dockerfw: usage: --bundle holds everything dockerfw reads of a host; it cannot be combined with the other input options\n", run.Error);
    }
}
