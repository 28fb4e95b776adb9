using DockerFw.Core.Text;

namespace DockerFw.Core.Host;

/// <summary>The codes of docker-proxy listings (register: <see cref="DiagnosticCodes"/>).</summary>
internal static class ProxyMessages
{
    public static Diagnostic NotAListing(SourceSpan at, string line) => new(Severity.Error, "DFW190",
        $"expected a line of 'ss -Hltunp' or of 'ps -ww -o pid=,args=', but got '{Shorten(line)}'", at);

    public static Diagnostic NoProcess(SourceSpan at, string line) => new(Severity.Error, "DFW191",
        $"expected the process of each socket (run ss with -p: 'ss -Hltunp'), but got '{Shorten(line)}'", at);

    public static Diagnostic BadArgument(SourceSpan at, string option, string value) => new(Severity.Error, "DFW192",
        $"expected docker-proxy's {option} to be {(option.EndsWith("-ip", StringComparison.Ordinal) ? "an address" : "a port")}, but got '{Shorten(value)}'", at);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
