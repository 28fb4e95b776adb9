namespace DockerFw.Cli.Input;

/// <summary>What a finished program left behind.</summary>
internal sealed record CommandOutcome(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The file its stdout was kept in, when it was replayed from a capture bundle: reports point into it.</summary>
    public DumpFile? StdoutFile { get; init; }
}

/// <summary>
/// Runs a program on this host and captures its output. Behind an interface so tests can stand in
/// for a host that is not root or has no iptables.
/// </summary>
internal interface IHostCommandRunner
{
    /// <summary>Runs <paramref name="program"/> to completion. Throws <see cref="CliFailure"/> when it cannot start.</summary>
    CommandOutcome Run(string program, IReadOnlyList<string> arguments);

    /// <summary>Whether <paramref name="program"/> is on this host's PATH (or in /usr/sbin, /sbin, where root's tools live).</summary>
    bool IsInstalled(string program) => ProgramPath.Find(program) is not null;
}
