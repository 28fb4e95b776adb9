using DockerFw.Cli.Input;

namespace DockerFw.Cli.Tests.Support;

/// <summary>
/// The host as it is, but someone else appends a DROP to dockerfw's chain right after each
/// <c>--noflush</c> transaction of <paramref name="restore"/> (with <paramref name="tool"/>, inside the
/// namespace): the read-back must catch it.
/// </summary>
internal sealed class TamperingRunner(string netns, string restore, string tool) : IHostCommandRunner
{
    private readonly ProcessCommandRunner inner = new();

    public CommandOutcome Run(string program, IReadOnlyList<string> arguments)
    {
        var outcome = inner.Run(program, arguments);
        if (arguments.Contains(restore) && arguments.Contains("--noflush"))
            inner.Run("ip", ["netns", "exec", netns, tool, "-A", "DOCKERFW-POLICY", "-j", "DROP"]);
        return outcome;
    }
}
