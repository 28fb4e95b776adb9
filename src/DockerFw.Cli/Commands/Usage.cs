using System.Collections.Immutable;

namespace DockerFw.Cli.Commands;

/// <summary>How a command reports options that do not make sense together: one line each, exit 3.</summary>
internal static class Usage
{
    public static int Fail(TextWriter error, ImmutableArray<string> problems)
    {
        foreach (var problem in problems) error.WriteLine($"dockerfw: usage: {problem}");
        return ExitCodes.Usage;
    }
}
