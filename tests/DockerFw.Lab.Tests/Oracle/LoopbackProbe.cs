using System.Globalization;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Whether a packet a neighbour sent to 127.0.0.1 through the host reached the container: the host's
/// conntrack entry for it (orig <c>dst=127.0.0.1</c>, the probe's source and destination ports) has
/// seen a reply, so Docker's DNAT sent it on, the filter let it through and the container answered.
/// A packet the filter drops leaves no entry (it is never confirmed); one nobody answers stays
/// <c>[UNREPLIED]</c>. The answer itself never reaches the neighbour (a source of 127.0.0.1 is a
/// martian there), which is why the host's table is read.
/// </summary>
public static class LoopbackProbe
{
    public static bool Answered(Probe probe, int sourcePort)
    {
        var table = Processes.Run("ip", ["netns", "exec", probe.ConntrackNetns!, "cat", "/proc/net/nf_conntrack"], TimeSpan.FromSeconds(10));
        var key = string.Create(CultureInfo.InvariantCulture, $"dst=127.0.0.1 sport={sourcePort} dport={probe.Port} ");
        var proto = probe.Transport == Transport.Tcp ? " tcp " : " udp ";
        return table.Out.Split('\n').Any(l => l.Contains(proto, StringComparison.Ordinal) && l.Contains(key, StringComparison.Ordinal) && !l.Contains("[UNREPLIED]", StringComparison.Ordinal));
    }
}
