using DockerFw.Core.Text;

namespace DockerFw.Core.Semantics.IpSets;

/// <summary>The codes of ipset listings (register: <see cref="DiagnosticCodes"/>).</summary>
internal static class IpSetMessages
{
    public static Diagnostic NotAListing(SourceSpan at, string message) => new(Severity.Error, "DFW185", message, at);
}
