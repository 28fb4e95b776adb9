using System.CommandLine;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw completion bash|zsh|fish`: the shell's completion script, which asks dockerfw itself
/// for its candidates (<see cref="Completion.Completions"/>), so it never falls out of step with
/// the commands and options of the installed version.
/// </summary>
internal sealed class CompletionCommand(StandardStreams streams) : ICliCommand
{
    private static readonly string[] Shells = ["bash", "zsh", "fish"];

    public Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "The shell: bash, zsh or fish" };
        shell.AcceptOnlyFromAmong(Shells);
        var command = new Command("completion", "Print the shell completion script (e.g. dockerfw completion bash > /etc/bash_completion.d/dockerfw)")
        {
            shell,
        };
        command.SetAction(parsed =>
        {
            var name = parsed.GetValue(shell)!;
            using var script = typeof(CompletionCommand).Assembly.GetManifestResourceStream($"DockerFw.Cli.Completion.dockerfw.{name}")
                ?? throw new InvalidOperationException($"the {name} completion script is not in the assembly");
            streams.Out.Write(new StreamReader(script).ReadToEnd());
            return ExitCodes.Ok;
        });
        return command;
    }
}
