using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The addresses MASQUERADE may give a connection that leaves by an interface of the audit's space.
/// The kernel takes a primary address of the output device (<c>inet_select_addr</c>: one in the next
/// hop's subnet, else the first; any device's when the output device has none; IPv6's source address
/// selection likewise), so a reply arrives addressed to one of them. Known only when the host's routes
/// were read whole (live mode, a bundle, <c>--routes</c>): their connected routes name each device's
/// primary addresses and the next hops choose among them (<see cref="MasqueradeAddresses"/>: never a
/// secondary address; where the routes cannot say, any local address of the device), their devices
/// every interface a packet can leave by. A symbol stands for the real devices
/// it matches; the model's uplink, which is no real device, for those no rule names by their own name.
/// A symbol that stands for no device carries no connection (<see cref="Phantom"/>); one with a device
/// without an address of the family may get any of the host's. Unknown, every address the host may have
/// outside the container subnets but loopback (a host-scope address is never chosen) may be given.
/// </summary>
public sealed class MasqueradeSources
{
    private readonly PacketSpace space;
    private readonly IntervalSet every;
    private readonly Dictionary<string, IntervalSet>? devices;
    private readonly Dictionary<int, IntervalSet?> bySymbol = [];

    private MasqueradeSources(PacketSpace space, IntervalSet every, Dictionary<string, IntervalSet>? devices)
    {
        this.space = space;
        this.every = every;
        this.devices = devices;
    }

    /// <summary>Whether the host's devices and addresses are known (the routes were read whole).</summary>
    public bool Known => devices is not null;

    public static MasqueradeSources Of(PacketSpace space, AuditInputs inputs)
    {
        var family = inputs.Family;
        var loopback = IntervalSet.Loopback(family);
        var routes = inputs.HostModel.Routes;
        if (routes?.LocalAddresses() is not { } local)
            return new(space, inputs.HostModel.LocalOutsideSubnets.Subtract(loopback), null);
        var bridges = inputs.View.Networks.Select(n => n.Bridge).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var addresses = local.Where(a => a.Family == family && a.Interface != "lo" && !loopback.Contains(a.Address)).ToList();
        var devices = routes.Routes.Where(r => r.Family == family).SelectMany(r => r.Devices).Concat(addresses.Select(a => a.Interface))
            .Where(d => d != "lo" && !bridges.Contains(d)).Distinct(StringComparer.Ordinal)
            .ToDictionary(d => d, d => MasqueradeAddresses.Of(routes, d, family)
                ?? IntervalSet.FromValues(addresses.Where(a => a.Interface == d).Select(a => a.Address)), StringComparer.Ordinal);
        return new(space, IntervalSet.FromValues(addresses.Select(a => a.Address)), devices);
    }

    /// <summary>The addresses a connection out by this interface symbol may be given; null when no device is behind the symbol.</summary>
    public IntervalSet? Of(int symbol)
    {
        if (devices is null) return every;
        if (bySymbol.TryGetValue(symbol, out var known)) return known;
        var alphabet = space.Interfaces;
        var uplink = alphabet.KeyOf(symbol) == HostModel.Uplink && !alphabet.IsOther(symbol);
        var behind = devices.Where(d => uplink ? alphabet.IsOther(alphabet.SymbolOf(d.Key)) : alphabet.SymbolOf(d.Key) == symbol).Select(d => d.Value).ToList();
        IntervalSet? given = behind.Count == 0 ? null
            : behind.Any(a => a.IsEmpty) ? every
            : behind.Aggregate(IntervalSet.Empty, (s, a) => s.Union(a));
        return bySymbol[symbol] = given;
    }

    /// <summary>The symbols of <paramref name="outs"/> grouped by the addresses they may give (the symbols with no device left out).</summary>
    public IEnumerable<(IntervalSet Outs, IntervalSet Addresses)> Split(IntervalSet outs)
    {
        if (devices is null)
        {
            yield return (outs, every);
            yield break;
        }

        var groups = new List<(List<UInt128> Symbols, IntervalSet Addresses)>();
        foreach (var (first, last) in outs.Ranges)
            for (var s = first; s <= last; s++)
            {
                if (Of((int)s) is not { } given) continue;
                var group = groups.FindIndex(g => g.Addresses.Equals(given));
                if (group < 0) groups.Add(([s], given));
                else groups[group].Symbols.Add(s);
            }

        foreach (var (symbols, given) in groups) yield return (IntervalSet.FromValues(symbols), given);
    }

    /// <summary>The symbols of the space no device stands for, when the host's devices are known (else none).</summary>
    public IntervalSet Phantom()
    {
        if (devices is null) return IntervalSet.Empty;
        var none = new List<UInt128>();
        for (var s = 0; s < space.Interfaces.Count; s++)
            if (s != space.Interfaces.NoInterface && Of(s) is null) none.Add((UInt128)s);
        return IntervalSet.FromValues(none);
    }
}
