using System.Collections.Immutable;

namespace DockerFw.Core.Text;

/// <summary>
/// The register of dockerfw's codes: which range belongs to which catalogue. A code names one problem
/// of one kind of input wherever it is printed, so each catalogue writes only codes of its own
/// ranges and no code is written by two catalogues (a test reads the sources and holds both).
/// </summary>
public static class DiagnosticCodes
{
    /// <param name="Catalogue">The one source file that may write the codes of the range.</param>
    public sealed record Range(int First, int Last, string Catalogue, string Meaning)
    {
        public bool Contains(int code) => code >= First && code <= Last;
    }

    public static ImmutableArray<Range> Ranges { get; } =
    [
        new(100, 119, "Text/Messages.cs", "iptables-save input: errors"),
        new(120, 129, "Syntax/NftJson/NftMessages.cs", "nft JSON input: errors"),
        new(130, 149, "Text/Messages.cs", "writing restore input and unsupported models: errors"),
        new(150, 159, "Text/Messages.cs", "iptables-save input: warnings"),
        new(160, 169, "Syntax/NftJson/NftMessages.cs", "nft JSON input: warnings"),
        new(170, 179, "Docker/DockerMessages.cs", "Docker JSON input: 170-174 errors, 175-179 warnings"),
        new(180, 184, "Semantics/Routing/RouteMessages.cs", "route listings (ip -j route show table all): errors"),
        new(185, 189, "Semantics/IpSets/IpSetMessages.cs", "ipset listings (ipset save): errors"),
        new(190, 199, "Host/ProxyMessages.cs", "docker-proxy listings (ss -Hltunp, ps -ww -o pid=,args=): errors"),
        new(200, 769, "Audit/FindingCodes.cs", "audit findings (2xx isolation, 3xx icc, 4xx NAT, 5xx links and ports, 6xx host, 7xx containers)"),
        new(770, 799, "Fleet/FleetCodes.cs", "fleet findings: what hosts judged together show"),
        new(800, 899, "Policy/PolicyMessages.cs", "policy files (800-829) and plans (830-899)"),
        new(900, 999, "Audit/FindingCodes.cs", "audit findings against a policy"),
    ];

    /// <summary>The range a code (<c>DFW123</c>) belongs to; null for a code outside every range.</summary>
    public static Range? RangeOf(string code) =>
        code.Length == 6 && code.StartsWith("DFW", StringComparison.Ordinal) && int.TryParse(code.AsSpan(3), out var n)
            ? Ranges.FirstOrDefault(r => r.Contains(n))
            : null;
}
