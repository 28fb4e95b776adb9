using System.Globalization;
using System.Net;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The containers' IPv4 routes as the oracle recorded them (<c>container-routes</c>: a <c>container NAME</c>
/// line, then that container's <c>/proc/PID/net/route</c>), asked which gateway or connected network a
/// container's packet to an address leaves by. A request source-NATed to an address off the server's
/// network is answered to that address by the server's own route, not always the way it came (seed 5153:
/// n0's <c>host_ipv4</c> SNAT to a host address, answered by c0's default route on another bridge).
/// </summary>
public sealed class ServerRoutes
{
    private readonly Dictionary<string, List<(uint Destination, uint Mask, IPAddress Gateway)>> routes = new(StringComparer.Ordinal);

    public ServerRoutes(string dump)
    {
        List<(uint, uint, IPAddress)>? current = null;
        foreach (var line in dump.Split('\n'))
        {
            if (line.StartsWith("container ", StringComparison.Ordinal))
            {
                routes[line["container ".Length..].Trim()] = current = [];
                continue;
            }

            // Iface Destination Gateway Flags RefCnt Use Metric Mask ...: hex words in the kernel's (little-endian) order.
            var f = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (current is null || f.Length < 8 || f[1].Length != 8 || !uint.TryParse(f[1], NumberStyles.HexNumber, null, out var destination)
                || !uint.TryParse(f[2], NumberStyles.HexNumber, null, out var gateway) || !uint.TryParse(f[7], NumberStyles.HexNumber, null, out var mask)) continue;
            current.Add((destination, mask, new IPAddress(gateway)));
        }
    }

    /// <summary>
    /// The address the container's packet to <paramref name="to"/> is handed to first: its route's gateway,
    /// or <paramref name="to"/> itself on a connected network. Null when the container's routes were not
    /// recorded or none reaches <paramref name="to"/> (then it never answers there).
    /// </summary>
    public IPAddress? NextHop(string container, IPAddress to)
    {
        if (!routes.TryGetValue(container, out var table)) return null;
        var target = BitConverter.ToUInt32(to.GetAddressBytes());
        var best = table.Where(r => (target & r.Mask) == r.Destination).OrderByDescending(r => uint.PopCount(r.Mask)).Cast<(uint, uint, IPAddress Gateway)?>().FirstOrDefault();
        return best is not { } r ? null : r.Gateway.Equals(IPAddress.Any) ? to : r.Gateway;
    }

    public bool Knows(string container) => routes.ContainsKey(container);
}
