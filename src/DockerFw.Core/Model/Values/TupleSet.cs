using System.Collections.Immutable;

namespace DockerFw.Core.Model.Values;

/// <summary>The header field one column of a <see cref="TupleSet"/> reads.</summary>
public enum TupleSetField
{
    Source,
    Destination,
    SourcePort,
    DestinationPort,
    InInterface,
    OutInterface,
}

/// <summary>
/// A column of a set of tuples: the field it reads and, for a port, the protocol whose header holds it
/// (nft's <c>tcp dport</c>); null where each value names its own protocol (ipset's <c>udp:53</c>).
/// </summary>
public sealed record TupleColumn(TupleSetField Field, int? Protocol = null)
{
    public bool IsPort => Field is TupleSetField.SourcePort or TupleSetField.DestinationPort;

    public bool IsInterface => Field is TupleSetField.InInterface or TupleSetField.OutInterface;
}

/// <summary>
/// One value of an element: addresses or ports <c>[First, Last]</c>, with the protocol of an ipset
/// port (<c>udp:53</c>), or an interface name (a pattern: ipset's <c>wildcard</c> is a prefix).
/// </summary>
public sealed record TupleValue(UInt128 First, UInt128 Last)
{
    /// <summary>A port's protocol where the value names it; else the column's.</summary>
    public int? Protocol { get; init; }

    public InterfacePattern? Interface { get; init; }

    public static TupleValue Named(InterfacePattern name) => new(0, 0) { Interface = name };

    public string Format(TupleColumn column, IpFamily family) =>
        Interface is { } name ? name.Text
        : column.IsPort ? (Protocol is { } p ? $"{p}:" : "") + (First == Last ? $"{First}" : $"{First}-{Last}")
        : First == Last ? IpAddressValue.Format(First, family) : $"{IpAddressValue.Format(First, family)}-{IpAddressValue.Format(Last, family)}";
}

/// <summary>
/// An element: one value per column. <see cref="Matches"/> false is ipset's <c>nomatch</c>: a packet it
/// holds is not in the set, whatever the elements tried after it hold.
/// </summary>
public sealed record TupleElement(ImmutableArray<TupleValue> Values, bool Matches = true);

/// <summary>
/// A set whose members are tuples (ipset's hash:ip,port and its kin under a match's directions, nft's
/// concatenations <c>ip daddr . tcp dport</c>): one element is one box of the packet space, and the
/// elements are listed in the order the kernel tries them, so the first that holds a packet decides
/// (ipset's most specific prefix; nft's elements never overlap with different answers). A packet of
/// another family is never in it.
/// </summary>
public sealed record TupleSet(IpFamily Family, ImmutableArray<TupleColumn> Columns, ImmutableArray<TupleElement> Elements)
{
    /// <summary>The interface names the elements mention (the symbolic engine's alphabet needs them).</summary>
    public IEnumerable<InterfacePattern> Interfaces => Elements.SelectMany(e => e.Values).Select(v => v.Interface).OfType<InterfacePattern>();

    /// <summary>Whether some element says <c>nomatch</c> (else the order of the elements does not matter).</summary>
    public bool HasExceptions => Elements.Any(e => !e.Matches);

    public string Format() =>
        "{ " + string.Join(", ", Elements.Select(e =>
            string.Join(" . ", e.Values.Select((v, i) => v.Format(Columns[i], Family))) + (e.Matches ? "" : " nomatch"))) + " }";
}
