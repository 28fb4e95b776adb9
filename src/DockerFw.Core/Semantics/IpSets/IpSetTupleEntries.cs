using System.Collections.Immutable;
using System.Globalization;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.IpSets;

/// <summary>
/// The elements of one set whose members are tuples, read from <c>ipset save</c>'s <c>add</c> lines:
/// <c>10.0.0.1,tcp:80</c>, <c>10.0.0.0/8,udp:53,192.168.1.1</c>. A net part is stored as the prefixes
/// that cover it, and the kernel tries the prefixes of a set from the longest down (the first net part
/// outermost), the first element that holds the packet deciding; so the elements are kept in that order.
/// The types read are those the kernel's tests confirmed (IpSetKernelTests); an element that cannot
/// be read exactly (an ICMP type and code, a port by name) leaves the set unread.
/// </summary>
internal sealed class IpSetTupleEntries
{
    private static readonly Dictionary<string, (IpSetPart Part, bool Net)[]> Types = new(StringComparer.Ordinal)
    {
        ["hash:ip,port"] = [(IpSetPart.Address, false), (IpSetPart.Port, false)],
        ["hash:net,port"] = [(IpSetPart.Address, true), (IpSetPart.Port, false)],
        ["hash:ip,port,ip"] = [(IpSetPart.Address, false), (IpSetPart.Port, false), (IpSetPart.Address, false)],
        ["hash:ip,port,net"] = [(IpSetPart.Address, false), (IpSetPart.Port, false), (IpSetPart.Address, true)],
    };

    private readonly IpFamily family;
    private readonly (IpSetPart Part, bool Net)[] parts;
    private readonly List<(TupleElement Element, int[] Prefixes)> elements = [];

    private IpSetTupleEntries(IpFamily family, (IpSetPart, bool)[] parts)
    {
        this.family = family;
        this.parts = parts;
    }

    /// <summary>The entries of a set of this type, or null when its type is not read.</summary>
    public static IpSetTupleEntries? For(string type, IpFamily family) => Types.TryGetValue(type, out var parts) ? new(family, parts) : null;

    /// <summary>Adds one element; false when it cannot be read exactly (then the set is not read).</summary>
    public bool Add(string text, bool noMatch)
    {
        var words = text.Split(',');
        if (words.Length != parts.Length) return false;
        // Each part's values: one for an address or a port, several prefixes for a range of nets.
        var choices = new List<List<(TupleValue Value, int Prefix)>>();
        for (var i = 0; i < parts.Length; i++)
        {
            var values = parts[i].Part == IpSetPart.Port ? Port(words[i]) : Addresses(words[i], parts[i].Net);
            if (values is null) return false;
            choices.Add(values);
        }

        foreach (var combination in Product(choices))
            elements.Add((new TupleElement([.. combination.Select(c => c.Value)], !noMatch),
                [.. combination.Where((_, i) => parts[i].Net).Select(c => c.Prefix)]));
        return true;
    }

    public IpSetTuples Build()
    {
        var hasNets = parts.Any(p => p.Net);
        // The longest prefixes are tried first, the first net part outermost; a stable sort keeps the rest.
        var ordered = hasNets ? elements.OrderBy(e => e.Prefixes, PrefixOrder.Instance).ToList() : elements;
        return new IpSetTuples(family, [.. parts.Select(p => p.Part)], hasNets, [.. ordered.Select(e => e.Element)]);
    }

    private List<(TupleValue Value, int Prefix)>? Addresses(string text, bool net)
    {
        UInt128 first, last;
        var dash = text.IndexOf('-');
        if (dash > 0)
        {
            if (!IpAddressValue.TryParse(text[..dash], family, out first) || !IpAddressValue.TryParse(text[(dash + 1)..], family, out last) || last < first)
                return null;
        }
        else
        {
            if (!AddressMask.TryParse(text, family, out var mask) || mask!.PrefixLength is null) return null;
            (first, last) = mask.Bounds;
        }

        // An ip part holds each address alike; a net part is the prefixes ipset stores for it.
        if (!net) return [(new TupleValue(first, last), family.Bits())];
        return [.. IpSetEntries.Prefixes(family, first, last).Select(p => (new TupleValue(p.Bounds.First, p.Bounds.Last), p.PrefixLength!.Value))];
    }

    // [PROTO:]PORT[-PORT], tcp when no protocol is named; ICMP's TYPE/CODE (or name) is not read.
    private static List<(TupleValue Value, int Prefix)>? Port(string text)
    {
        var colon = text.IndexOf(':');
        var protocol = Protocol.Tcp;
        if (colon >= 0)
        {
            if (!Protocol.TryParse(text[..colon], out var named) || named!.Number is Protocol.Icmp or Protocol.IcmpV6) return null;
            protocol = named.Number;
            text = text[(colon + 1)..];
        }

        var dash = text.IndexOf('-');
        var (firstText, lastText) = dash > 0 ? (text[..dash], text[(dash + 1)..]) : (text, text);
        if (!ushort.TryParse(firstText, NumberStyles.None, CultureInfo.InvariantCulture, out var first) ||
            !ushort.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out var last) || last < first)
            return null;
        return [(new TupleValue(first, last) { Protocol = protocol }, 0)];
    }

    private static List<(TupleValue Value, int Prefix)[]> Product(List<List<(TupleValue Value, int Prefix)>> choices)
    {
        List<(TupleValue Value, int Prefix)[]> all = [[]];
        foreach (var choice in choices)
            all = [.. all.SelectMany(prefix => choice.Select(c => prefix.Append(c).ToArray()))];
        return all;
    }

    // Longer prefixes first, part by part.
    private sealed class PrefixOrder : IComparer<int[]>
    {
        public static PrefixOrder Instance { get; } = new();

        public int Compare(int[]? x, int[]? y)
        {
            for (var i = 0; i < x!.Length; i++)
                if (x[i] != y![i]) return y[i].CompareTo(x[i]);
            return 0;
        }
    }
}
