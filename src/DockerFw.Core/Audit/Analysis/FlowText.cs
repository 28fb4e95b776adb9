using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>How a box of allowed packets is written in a report: protocols, destination ports, destinations.</summary>
public static class FlowText
{
    public static string Protocols(IntervalSet protos, PacketSpace space)
    {
        var full = space.Full(Dimension.Proto);
        if (protos.Equals(full)) return "all";
        if (protos.Cardinality <= 6) return Names(protos);
        // Every protocol but a few (what is left of "all" once tcp is cut out): named by what it lacks.
        var missing = full.Subtract(protos);
        return missing.Cardinality <= 6 ? $"all but {Names(missing)}" : "other";
    }

    private static string Names(IntervalSet protos) =>
        string.Join(",", protos.Ranges.SelectMany(r => Values(r.First, r.Last)).Select(p => Protocol.FromNumber((int)p).Name));

    /// <summary>The destination ports; null when every port (or the protocol has none).</summary>
    public static string? Ports(Box box, PacketSpace space) => PortsOf(box, Dimension.Dport, space);

    /// <summary>The source ports; null when every port (or the protocol has none).</summary>
    public static string? SourcePorts(Box box, PacketSpace space) => PortsOf(box, Dimension.Sport, space);

    private static string? PortsOf(Box box, Dimension side, PacketSpace space)
    {
        var ports = box[side];
        if (ports.Equals(space.Full(side)) || !box[Dimension.Proto].Overlaps(PacketSpace.PortProtocols)) return null;
        return string.Join(",", ports.Ranges.Select(r => r.First == r.Last ? $"{r.First}" : $"{r.First}-{r.Last}"));
    }

    /// <summary>
    /// The ICMP query types a box of new packets holds of its space's ICMP (the only types that open a
    /// connection: <see cref="IcmpStates.Queries"/>); null when it holds none of that protocol.
    /// </summary>
    public static IntervalSet? IcmpTypesOf(Box box, PacketSpace space) =>
        box[Dimension.Proto].Contains((UInt128)space.IcmpProtocol) ? box[Dimension.IcmpType].Intersect(IcmpStates.Queries(space.Family)) : null;

    /// <summary>The ICMP types of a flow, as <c>13</c> or <c>8,15,17</c>; null when none (no ICMP) or every query type.</summary>
    public static string? IcmpTypes(IntervalSet? types, PacketSpace space) =>
        types is null || types.IsEmpty || IcmpStates.Queries(space.Family).IsSubsetOf(types) ? null
            : string.Join(",", types.Ranges.Select(r => r.First == r.Last ? $"{r.First}" : $"{r.First}-{r.Last}"));

    /// <summary>
    /// The interfaces a flow leaves the host by: null when every one of <paramref name="whole"/> (those
    /// asked), else <c>eth0</c>, or <c>any interface but eth0</c> (<see cref="PortClientsOf.Interfaces"/>).
    /// </summary>
    public static string? Via(IntervalSet some, IntervalSet whole, PacketSpace space) =>
        whole.IsSubsetOf(some) ? null : PortClientsOf.Interfaces(some.Intersect(whole), whole, space);

    /// <summary>
    /// The source addresses of a flow: null when it holds for every one the question was about
    /// (<paramref name="whole"/>), else those addresses, or <c>any but ...</c> those left out when that
    /// is shorter (every container address of a network but one).
    /// </summary>
    public static string? Sources(IntervalSet some, IntervalSet whole, IpFamily family = IpFamily.V4)
    {
        if (whole.IsSubsetOf(some)) return null;
        var listed = Addresses(some, whole, family)!;
        var but = $"{AnyBut}{Addresses(whole.Subtract(some), whole, family)}";
        return but.Length < listed.Length ? but : listed;
    }

    /// <summary>How <see cref="Sources"/> begins when it names the addresses left out.</summary>
    public const string AnyBut = "any but ";

    /// <summary>Null when the box covers every address the question was about.</summary>
    public static string? Addresses(IntervalSet addresses, IntervalSet whole, IpFamily family = IpFamily.V4)
    {
        if (whole.IsSubsetOf(addresses)) return null;
        return string.Join(",", addresses.Ranges.Select(r => r.First == r.Last
            ? IpAddressValue.Format(r.First, family)
            : AsPrefix(r.First, r.Last, family) ?? $"{IpAddressValue.Format(r.First, family)}-{IpAddressValue.Format(r.Last, family)}"));
    }

    private static string? AsPrefix(UInt128 first, UInt128 last, IpFamily family)
    {
        // The whole IPv6 space is one more than UInt128 holds.
        if (first == 0 && last == family.AllOnes()) return family == IpFamily.V4 ? "0.0.0.0/0" : "::/0";
        var size = last - first + 1;
        if (!UInt128.IsPow2(size) || (first & (size - 1)) != 0) return null;
        return $"{IpAddressValue.Format(first, family)}/{family.Bits() - (int)UInt128.Log2(size)}";
    }

    private static IEnumerable<UInt128> Values(UInt128 first, UInt128 last)
    {
        for (var v = first; v <= last; v++) yield return v;
    }
}
