namespace DockerFw.Cli;

/// <summary>
/// The three standard streams, injected so that commands never touch Console and tests can run the
/// real root command with StringReader/StringWriter.
/// </summary>
internal sealed record StandardStreams(TextReader In, TextWriter Out, TextWriter Error)
{
    /// <summary>The width of the terminal <see cref="Out"/> writes to; null when it is a file or a pipe.</summary>
    public int? TerminalWidth { get; init; }

    /// <summary>
    /// Standard input as bytes, for the readers of dumps, whose names may hold bytes that are no
    /// UTF-8 (<see cref="Core.Text.Utf8Escaped"/>); null when <see cref="In"/> is all there is (tests).
    /// </summary>
    public Stream? InBytes { get; init; }

    /// <summary>
    /// Standard error is a terminal that can draw in place (not <c>TERM=dumb</c>): only then does a long
    /// run show its progress there (<see cref="Output.RunProgress"/>). False in tests and pipes.
    /// </summary>
    public bool ErrorIsTerminal { get; init; }

    public static StandardStreams FromConsole() => new(new DeferredReader(() => Console.In), OutputStream.OpenStandardOutput(), Console.Error)
    {
        TerminalWidth = Console.IsOutputRedirected ? null : TerminalWidthOrDefault(),
        InBytes = Console.OpenStandardInput(),
        ErrorIsTerminal = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb"),
    };

    // A terminal that does not report its size (some CI consoles) is taken as 120 columns wide.
    private static int TerminalWidthOrDefault()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }
}
