using DockerFw.Cli.Input;

namespace DockerFw.Cli.Live;

/// <summary>
/// Runs read-only tools on the live host, or inside the network namespace <see cref="Netns"/> with
/// <c>ip netns exec NAME ...</c>, which also mounts that namespace's /sys, so /proc/sys/net and
/// /sys/class/net show what the namespace sees.
/// </summary>
internal sealed class HostShell(IHostCommandRunner runner, string? netns)
{
    public string? Netns => netns;

    public bool IsInstalled(string tool) => runner.IsInstalled(tool);

    public CommandOutcome Run(string tool, params string[] arguments)
    {
        var (program, all) = Command(tool, arguments);
        return runner.Run(program, all);
    }

    /// <summary>Runs the tool and returns its stdout; a non-zero exit is a <see cref="CliFailure"/> quoting its stderr.</summary>
    public string Read(string tool, params string[] arguments)
    {
        var outcome = Run(tool, arguments);
        if (outcome.ExitCode != 0) throw new CliFailure(LiveFirewallReader.FailureMessage(Describe(tool, arguments), outcome));
        return outcome.Stdout;
    }

    public string Describe(string tool, params string[] arguments)
    {
        var (program, all) = Command(tool, arguments);
        return ProcessCommandRunner.Describe(program, all);
    }

    /// <summary>The command line that runs <paramref name="tool"/>, as argv, in the namespace when there is one.</summary>
    public string[] Argv(string tool, params string[] arguments) => netns is null ? [tool, .. arguments] : ["ip", "netns", "exec", netns, tool, .. arguments];

    private (string Program, string[] Arguments) Command(string tool, string[] arguments)
    {
        var argv = Argv(tool, arguments);
        return (argv[0], argv[1..]);
    }
}
