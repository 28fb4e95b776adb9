using DockerFw.Cli.Input;

namespace DockerFw.Cli.Capture;

/// <summary>
/// Answers the live reader's programs from a bundle, by their exact command line: the same stdout,
/// stderr and exit code the host gave at capture time. A command the bundle has no answer to is an
/// error naming it: this dockerfw asks something the capturing one did not.
/// </summary>
internal sealed class ReplayCommandRunner(Bundle bundle) : IHostCommandRunner
{
    private readonly Dictionary<string, CapturedCommand> commands = bundle.Manifest.Commands
        .GroupBy(c => Key(c.Command)).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    public CommandOutcome Run(string program, IReadOnlyList<string> arguments)
    {
        IReadOnlyList<string> command = [program, .. arguments];
        if (!commands.TryGetValue(Key(command), out var captured))
            throw Unanswered($"no output of '{ProcessCommandRunner.Describe(program, arguments)}'");
        return new CommandOutcome(captured.ExitCode, bundle.Text(captured.Stdout), captured.Stderr is { } stderr ? bundle.Text(stderr) : "")
        {
            StdoutFile = bundle.FileOf(captured.Stdout),
        };
    }

    public bool IsInstalled(string program) =>
        bundle.Manifest.Installed.TryGetValue(program, out var installed) ? installed
        : throw Unanswered($"no record of whether {program} is installed");

    private CliFailure Unanswered(string what) => new(
        $"{bundle.Source}: the bundle holds {what}; it was captured by {bundle.Manifest.Tool}, which did not ask that: capture the host again with this dockerfw");

    // NUL never occurs in an argument, so the words cannot run into each other.
    private static string Key(IEnumerable<string> command) => string.Join('\0', command);
}
