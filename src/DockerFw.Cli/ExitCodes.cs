namespace DockerFw.Cli;

/// <summary>The process exit codes, the same for every command (documented in --help and docs/cli.md).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command worked and found something: audit findings, snapshot drift.</summary>
    public const int Findings = 1;

    /// <summary>Bad input (diagnostics were printed) or a runtime failure (a command that could not run).</summary>
    public const int Error = 2;

    /// <summary>The command line itself is wrong: unknown option, missing argument, conflicting options.</summary>
    public const int Usage = 3;

    public const string HelpText =
        """
        Exit codes:
          0  ok
          1  findings or drift
          2  bad input or runtime error
          3  usage error
        """;
}
