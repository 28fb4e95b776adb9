using System.CommandLine;
using DockerFw.Cli.Commands;
using DockerFw.Cli.Composition;
using DockerFw.Cli.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests;

public sealed class RootCommandTests
{
    [Fact]
    public void Help_lists_the_commands_and_documents_the_exit_codes()
    {
        var run = Dockerfw.Run("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("fmt", run.Out);
        Assert.Contains("Exit codes:", run.Out);
        Assert.Contains("1  findings or drift", run.Out);
        Assert.Contains("2  bad input or runtime error", run.Out);
        Assert.Contains("3  usage error", run.Out);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void Help_of_a_subcommand_also_documents_the_exit_codes()
    {
        var run = Dockerfw.Run("fmt", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--no-counters", run.Out);
        Assert.Contains("Exit codes:", run.Out);
    }

    [Fact]
    public void Version_prints_the_version_of_dockerfw_itself_not_of_the_host_process()
    {
        var run = Dockerfw.Run("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"dockerfw {RootCommandFactory.Version}\n", run.Out);
        Assert.StartsWith("0.1.0", RootCommandFactory.Version);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--no-such-option")]
    [InlineData("no-such-command")]
    [InlineData("fmt --no-such-option")]
    [InlineData("fmt a b")]
    [InlineData("fmt --family 5 x")]
    [InlineData("fmt --family")]
    public void A_malformed_command_line_is_a_usage_error_with_exit_code_3(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var run = Dockerfw.Run(args);

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("dockerfw: usage: ", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void An_unexpected_exception_becomes_one_error_line_and_exit_code_2_without_a_stack_trace()
    {
        var run = Dockerfw.Run(["explode"], stdin: "", services => services.AddCliCommand<ExplodingCommand>("explode"));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("dockerfw: error: unexpected InvalidOperationException: the bomb went off | on two lines\n", run.Error);
        Assert.DoesNotContain(" at ", run.Error);
    }

    [Fact]
    public void A_command_registered_in_the_container_appears_under_the_root_command()
    {
        var run = Dockerfw.Run(["--help"], stdin: "", services => services.AddCliCommand<ExplodingCommand>("explode"));

        Assert.Contains("explode", run.Out);
    }

    [Fact]
    public void A_missing_registration_fails_a_run_that_builds_every_command_as_the_tree_is_built()
    {
        // A run that names no command builds every command, and CompositionTests checks the container at build.
        var run = Dockerfw.Run(["--help"], stdin: "", services => services.AddCliCommand<CommandWithUnregisteredDependency>("never"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("dockerfw: error: unexpected InvalidOperationException: Unable to resolve service for type", run.Error);
        Assert.Equal("", run.Out);
    }

    private sealed class ExplodingCommand : ICliCommand
    {
        public Command Create()
        {
            var command = new Command("explode", "Throws, to prove the top-level handler");
            command.SetAction(int (_) => throw new InvalidOperationException("the bomb went off\non two lines"));
            return command;
        }
    }

    private sealed class Unregistered;

    private sealed class CommandWithUnregisteredDependency(Unregistered dependency) : ICliCommand
    {
        public Command Create() => new("never", dependency.ToString());
    }
}
