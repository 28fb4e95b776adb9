using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Every host's IPv4 routes of table main that lead somewhere other than its own bridges (not its
/// default route), indexed so that "does another host route into this network" is a lookup, not a
/// walk over every route of every host for each network (a fleet of N hosts has N networks' worth
/// of each). Two prefixes overlap when one holds the other: the network's supernets are found by
/// masking it to each shorter length, the routes inside it in the routes sorted by address.
/// </summary>
internal sealed class PeerRoutes
{
    // Each destination prefix with the hosts that route it: one host, or null when several do.
    private readonly Dictionary<(UInt128 Address, int Length), string?> _hosts = [];
    private readonly (UInt128 First, UInt128 Last, UInt128 Address, int Length)[] _sorted;

    private PeerRoutes(IEnumerable<(string Host, AddressMask Destination)> routes)
    {
        foreach (var (host, destination) in routes)
        {
            var key = (destination.Address, destination.PrefixLength ?? 32);
            _hosts[key] = _hosts.TryGetValue(key, out var known) && known != host ? null : host;
        }

        _sorted = [.. _hosts.Keys.Select(k => (AddressMask.FromPrefix(IpFamily.V4, k.Address, k.Length).Bounds, k))
            .Select(x => (x.Bounds.First, x.Bounds.Last, x.k.Address, x.k.Length)).OrderBy(x => x.First)];
    }

    public static PeerRoutes Of(IEnumerable<HostSummary> hosts) => new(hosts.SelectMany(h => h.Routes.Routes
        .Where(r => r.Family == IpFamily.V4 && r.Destination.PrefixLength > 0 && r.Table == "main" && h.NetworkOnBridge(r.Device ?? "") is null)
        .Select(r => (h.Name, r.Destination))));

    /// <summary>Whether a host other than the network's own routes into part of its subnet.</summary>
    public bool Cover(FleetNetwork network)
    {
        if (network.Subnet.Family != IpFamily.V4) return false;
        var length = network.Subnet.PrefixLength ?? 32;
        var (first, last) = network.Bounds;
        for (var l = 1; l <= length; l++)
            if (ByOther((AddressMask.FromPrefix(IpFamily.V4, first, l).Address, l), network.Host)) return true;
        var index = Array.BinarySearch(_sorted, (first, UInt128.Zero, UInt128.Zero, 0), Comparer<(UInt128, UInt128, UInt128, int)>.Create((a, b) => a.Item1.CompareTo(b.Item1)));
        if (index < 0) index = ~index;
        while (index > 0 && _sorted[index - 1].First == first) index--;
        for (; index < _sorted.Length && _sorted[index].First <= last; index++)
            if (_sorted[index].Last <= last && ByOther((_sorted[index].Address, _sorted[index].Length), network.Host)) return true;
        return false;
    }

    private bool ByOther((UInt128, int) key, string host) => _hosts.TryGetValue(key, out var by) && by != host;
}
