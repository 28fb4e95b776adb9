using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The first of a list of networks whose subnet holds an address, as a scan in order finds it, by one
/// look-up per distinct mask instead of a test per network: the audit asks it for addresses of every
/// container and pair, and thousands of networks made the scan quadratic. A mask need not be a
/// prefix (an address is in a subnet when its masked bits equal the subnet's), so the networks are
/// grouped by mask, and among the groups that hold the address the network listed first wins.
/// </summary>
public sealed class SubnetIndex
{
    private readonly List<(UInt128 Mask, Dictionary<UInt128, int> First)> _byMask = [];
    private readonly IReadOnlyList<AuditedNetwork> _networks;

    public SubnetIndex(IReadOnlyList<AuditedNetwork> networks)
    {
        _networks = networks;
        var groups = new Dictionary<UInt128, Dictionary<UInt128, int>>();
        for (var i = 0; i < networks.Count; i++)
        {
            if (networks[i].Subnet is not { } subnet) continue;
            if (!groups.TryGetValue(subnet.Mask, out var first)) groups[subnet.Mask] = first = [];
            first.TryAdd(subnet.Address, i);
        }

        foreach (var (mask, first) in groups) _byMask.Add((mask, first));
    }

    public AuditedNetwork? Of(UInt128 address)
    {
        var best = int.MaxValue;
        foreach (var (mask, first) in _byMask)
            if (first.TryGetValue(address & mask, out var i) && i < best) best = i;
        return best == int.MaxValue ? null : _networks[best];
    }
}
