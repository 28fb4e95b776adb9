using DockerFw.Core.Text;

namespace DockerFw.Core.Semantics.Routing;

/// <summary>The codes of route listings (register: <see cref="DiagnosticCodes"/>).</summary>
internal static class RouteMessages
{
    public static Diagnostic NotARouteListing(SourceSpan at, string message) => new(Severity.Error, "DFW180", message, at);
}
