using System.Globalization;
using System.Net;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The source address the echo server outside saw for each probe that got out: the reply tuple of
/// the host's conntrack entry (<c>src=CONTAINER dst=OUTSIDE sport=P dport=9000 ... src=OUTSIDE
/// dst=SEEN</c>). It tells MASQUERADE (the uplink's address) from an SNAT to another address
/// (<c>com.docker.network.host_ipv4</c>), which getting out and back alone does not.
/// </summary>
public static class NatSeen
{
    public static IReadOnlyList<ProbeResult> Fill(OracleLab lab, IReadOnlyList<ProbeResult> results)
    {
        if (!results.Any(Outbound)) return results;
        var table = lab.InLab("cat", "/proc/net/nf_conntrack").Out.Split('\n');
        return results.Select(r => Outbound(r) && Seen(table, r) is { } seen ? r with { SeenAs = seen } : r).ToList();
    }

    private static bool Outbound(ProbeResult r) =>
        r.Reached && r.SourcePort is not null && r.Probe.Source is not null && r.Probe.Transport == Transport.Tcp
        && r.Probe.Destination.ToString() == LabDaemon.OutsideAddress && r.Probe.Port == LabDaemon.OutsidePort;

    /// <summary>The entry's second <c>dst=</c>: the reply's destination, the address the request left with.</summary>
    public static IPAddress? Seen(IEnumerable<string> table, ProbeResult r)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"src={r.Probe.Source} dst={r.Probe.Destination} sport={r.SourcePort} dport={r.Probe.Port} ");
        var line = table.FirstOrDefault(l => l.Contains(" tcp ", StringComparison.Ordinal) && l.Contains(key, StringComparison.Ordinal));
        if (line is null) return null;
        var dsts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f.StartsWith("dst=", StringComparison.Ordinal)).ToList();
        return dsts.Count == 2 && IPAddress.TryParse(dsts[1]["dst=".Length..], out var a) ? a : null;
    }
}
