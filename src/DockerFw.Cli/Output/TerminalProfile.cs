namespace DockerFw.Cli.Output;

/// <summary>How text output may look where it goes: colour only on a terminal without NO_COLOR.</summary>
internal sealed record TerminalProfile(bool Colour, int Width)
{
    /// <summary>Files and pipes: no colour, and lines as long as their text (grep finds a whole message).</summary>
    public static TerminalProfile Plain { get; } = new(false, 4096);
}
