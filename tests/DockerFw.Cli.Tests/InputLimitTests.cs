using DockerFw.Cli.Input;
using DockerFw.Cli.Tests.Audit;
using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests;

/// <summary>
/// Every input is read up to a limit far above a real host's (InputLimits), and an input past it is a
/// clear error naming the file and the limit: /dev/zero once grew dockerfw to 4 GB and an
/// OutOfMemoryException.
/// </summary>
public sealed class InputLimitTests
{
    [Fact]
    public void A_dump_that_never_ends_is_refused_at_the_limit()
    {
        var run = Dockerfw.Run("fmt", "/dev/zero");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("dockerfw: error: /dev/zero is larger than the 256 MiB dockerfw reads as an iptables dump (see docs/cli.md, limits); is it the right file?\n", run.Error);
    }

    [Fact]
    public void A_policy_that_never_ends_is_refused_at_the_limit()
    {
        var run = LabHost.Audit("--policy", "/dev/zero");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("/dev/zero is larger than the 16 MiB dockerfw reads as a policy", run.Error);
    }

    [Fact]
    public void A_snapshot_that_never_ends_is_refused_at_the_limit()
    {
        var run = Dockerfw.Run("snapshot", "--iptables", LabHost.PathOf("iptables-save"), "--check", "/dev/zero");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("/dev/zero is larger than the 256 MiB dockerfw reads as a snapshot", run.Error);
    }

    [Fact]
    public void A_regular_file_over_the_limit_is_refused_before_it_is_read()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, new byte[4097]);
            var failure = Assert.Throws<CliFailure>(() => BoundedRead.Bytes(file, 4096, "a test input"));
            Assert.Equal($"{file} is larger than the 4096 bytes dockerfw reads as a test input (see docs/cli.md, limits); is it the right file?", failure.Message);
            Assert.Equal(4097, BoundedRead.Bytes(file, 4097, "a test input").Length);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_program_that_prints_without_end_is_stopped_at_the_limit()
    {
        var runner = new ProcessCommandRunner(outputLimit: 1 << 20);

        var failure = Assert.Throws<CliFailure>(() => runner.Run("yes", []));

        Assert.Equal("the output of yes is larger than the 1 MiB dockerfw reads as a ruleset listing (see docs/cli.md, limits); is it the right file?", failure.Message);
    }
}
