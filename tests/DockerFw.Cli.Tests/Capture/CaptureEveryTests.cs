using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests.Capture;

/// <summary>
/// `capture --every INTERVAL OUT.tar.gz`: the loop the shell-less container image cannot run itself
/// (deploy/kubernetes): each round a whole new bundle, written beside OUT and renamed over it.
/// </summary>
public sealed class CaptureEveryTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dfw-every-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Each_round_replaces_the_bundle_whole_and_leaves_nothing_beside_it()
    {
        var output = Path.Combine(folder, "node.tar.gz");
        File.WriteAllText(output, "last round's bundle");
        Directory.CreateDirectory(Path.Combine(folder, ".next"));
        File.WriteAllText(Path.Combine(folder, ".next", "node.tar.gz"), "a round cut short");
        var host = new SampleHost();

        var run = Dockerfw.Run(["capture", "--every", "1s", "--rounds", "2", output], stdin: "", host.Register);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.Out.Split('\n').Count(l => l.StartsWith("dockerfw: captured ", StringComparison.Ordinal)));
        Assert.Contains($"into {Path.Combine(folder, ".next", "node.tar.gz")}", run.Out);
        Assert.Equal(2, host.Asked.Count(a => a == "iptables-save"));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, ".next")));
        Assert.Equal(0, Dockerfw.Run("snapshot", "--bundle", output).ExitCode);
        // fleet reads the directory's bundles, never a round in progress.
        Assert.Equal(["node.tar.gz"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_round_is_said_and_the_next_one_tries_again()
    {
        var output = Path.Combine(folder, "node.tar.gz");
        // A directory where the round's file goes: the first rename fails, later ones too; each is said.
        Directory.CreateDirectory(output);

        var run = Dockerfw.Run(["capture", "--every", "1", "--rounds", "2", output], stdin: "", new SampleHost().Register);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(2, run.Error.Split('\n').Count(l => l.StartsWith("dockerfw: error: round ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("--every", "1h", "bundle-dir", "--every replaces OUT at each round, which only a file can be atomically: name a .tar.gz")]
    [InlineData("--every", "soon", "b.tar.gz", "--every 'soon' is no interval: give seconds, or a number with s, m, h or d (e.g. 1h)")]
    [InlineData("--rounds", "2", "b.tar.gz", "--rounds N (1 or more) goes with --every")]
    public void Every_and_rounds_are_checked_before_anything_is_read(string option, string value, string output, string message)
    {
        var host = new SampleHost();

        var run = Dockerfw.Run(["capture", option, value, Path.Combine(folder, output)], stdin: "", host.Register);

        Assert.Equal(3, run.ExitCode);
        Assert.Equal($"dockerfw: usage: {message}\n", run.Error);
        Assert.Empty(host.Asked);
    }
}
