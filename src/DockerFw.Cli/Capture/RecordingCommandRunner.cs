using DockerFw.Cli.Input;

namespace DockerFw.Cli.Capture;

/// <summary>
/// Runs programs through the host's runner and keeps every answer (command line, exit code, stdout,
/// stderr) and every "is it installed?", in order: what <c>capture</c> writes into a bundle.
/// </summary>
internal sealed class RecordingCommandRunner(IHostCommandRunner host) : IHostCommandRunner
{
    private readonly List<(IReadOnlyList<string> Command, CommandOutcome Outcome)> runs = [];
    private readonly SortedDictionary<string, bool> installed = new(StringComparer.Ordinal);

    public IReadOnlyList<(IReadOnlyList<string> Command, CommandOutcome Outcome)> Runs => runs;

    public IReadOnlyDictionary<string, bool> Installed => installed;

    public CommandOutcome Run(string program, IReadOnlyList<string> arguments)
    {
        var outcome = host.Run(program, arguments);
        IReadOnlyList<string> command = [program, .. arguments];
        // A replay answers a command line with one outcome: the first, which is what the reader saw first.
        if (!runs.Any(r => r.Command.SequenceEqual(command))) runs.Add((command, outcome));
        return outcome;
    }

    public bool IsInstalled(string program)
    {
        var answer = host.IsInstalled(program);
        installed.TryAdd(program, answer);
        return answer;
    }
}
