using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Input;

/// <summary>
/// The text of one iptables-save / ip6tables-save dump as read, before parsing.
/// <paramref name="Name"/> is what diagnostics call it; <paramref name="Family"/> null lets the reader decide.
/// </summary>
internal sealed record DumpText(string Text, string Name, IpFamily? Family)
{
    /// <summary>The file its lines can be looked up in; null for stdin and the live host.</summary>
    public DumpFile? File { get; init; }
}

/// <summary>
/// The file a dump's text came from: a path, or a member of a bundle archive.
/// </summary>
/// <param name="LinesAfter">Lines read after the file's own (iptables-nft-save's warnings from its stderr).</param>
/// <param name="Captured">Read from a capture bundle: the live answer, which names no file.</param>
internal sealed record DumpFile(string Path, int LinesAfter, bool Captured, string? Archive);
