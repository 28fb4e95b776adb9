using DockerFw.Cli.Input;

namespace DockerFw.Cli.Tests;

public sealed class ProcessCommandRunnerTests
{
    private readonly ProcessCommandRunner runner = new();

    [Fact]
    public void A_program_leaves_its_exit_code_stdout_and_stderr_apart()
    {
        var outcome = runner.Run("sh", ["-c", "echo out; echo err >&2; exit 3"]);

        Assert.Equal(new CommandOutcome(3, "out\n", "err\n"), outcome);
    }

    [Fact]
    public void Output_larger_than_a_pipe_buffer_on_both_streams_does_not_deadlock()
    {
        var outcome = runner.Run("sh", ["-c", "head -c 300000 /dev/zero | tr '\\0' o; head -c 300000 /dev/zero | tr '\\0' e >&2"]);

        Assert.Equal(300_000, outcome.Stdout.Length);
        Assert.Equal(300_000, outcome.Stderr.Length);
    }

    [Fact]
    public void A_program_that_is_not_installed_is_a_failure_the_user_can_act_on()
    {
        var failure = Assert.Throws<CliFailure>(() => runner.Run("dockerfw-no-such-program", []));

        Assert.StartsWith("cannot run dockerfw-no-such-program: ", failure.Message);
        Assert.EndsWith("(is it installed and on PATH?)", failure.Message);
    }
}
