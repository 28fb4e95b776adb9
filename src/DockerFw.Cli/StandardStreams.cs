namespace DockerFw.Cli;

/// <summary>
/// The three standard streams, injected so that commands never touch Console and tests can run the
/// real root command with StringReader/StringWriter.
/// </summary>
internal sealed record StandardStreams(TextReader In, TextWriter Out, TextWriter Error)
{
    public static StandardStreams FromConsole() => new(Console.In, Console.Out, Console.Error);
}
