using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Host;

/// <summary>
/// Where the rules of one ruleset can be looked up, so that a report points at their lines: a dump
/// file the user named, or a file of a capture bundle (<see cref="Captured"/>), which the live answer
/// never names (a bundle's report equals the live one) but SARIF locates into.
/// </summary>
/// <param name="OtherBackend">The other iptables back end's dump (iptables-legacy beside iptables-nft, or the reverse).</param>
/// <param name="Path">The file: a path, or a member's name inside <paramref name="Archive"/>.</param>
/// <param name="LinesAfter">Lines read after the file's own (iptables-nft-save's warnings from stderr): a rule's line is its line in the file.</param>
/// <param name="Text">The text as read, those lines included: the file's lines without a second read.</param>
/// <param name="Archive">The .tar.gz bundle the file is a member of; null for a file on disk.</param>
public sealed record DumpOrigin(IpFamily Family, bool OtherBackend, string Path, int LinesAfter, string Text, bool Captured, string? Archive)
{
    /// <summary>The file's own lines (without those read before them).</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = Text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines.GetRange(0, Math.Max(0, lines.Count - LinesAfter));
    }
}
