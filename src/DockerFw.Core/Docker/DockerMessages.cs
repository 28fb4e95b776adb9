using DockerFw.Core.Text;

namespace DockerFw.Core.Docker;

/// <summary>
/// Diagnostics of the Docker JSON reader (<c>docker inspect</c>, <c>docker network inspect</c>, the
/// Engine's answers): DFW170-174 errors, DFW175-179 warnings. Its own range, apart from the
/// iptables-save reader's DFW150s, so that a code names one problem whichever file it is about.
/// </summary>
internal static class DockerMessages
{
    public static Diagnostic NotJson(SourceSpan at, string why) =>
        new(Severity.Error, "DFW170", $"expected the JSON of 'docker inspect' or 'docker network inspect': {why}", at);

    public static Diagnostic BadItem(SourceSpan at, string message) =>
        new(Severity.Error, "DFW171", message, at);

    public static Diagnostic ItemIgnored(SourceSpan at, string message) =>
        new(Severity.Warning, "DFW175", message, at);
}
