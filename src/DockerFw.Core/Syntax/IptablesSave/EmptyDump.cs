using DockerFw.Core.Model;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// A dump that holds no table is valid restore input (restore loads nothing), so the reader accepts
/// it; a command that judges a host must not: an empty dump is not a clean host.
/// </summary>
public static class EmptyDump
{
    /// <summary>The error for a dump named <paramref name="file"/> that read as <paramref name="ruleset"/>; null when it has a table.</summary>
    public static Diagnostic? Check(Ruleset? ruleset, string file) =>
        ruleset is { Tables.IsEmpty: false } ? null : Messages.NoTable(new SourceSpan(file, 1, 1));
}
