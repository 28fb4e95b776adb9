using System.Collections.Immutable;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.IpSets;

/// <summary>
/// What one ipset holds, as the kernel matches it: the addresses of the sets that test one address
/// (hash:ip, hash:net, bitmap:ip) and the sets whose members are tuples (hash:ip,port and its kin).
/// A list:set holds several; the kernel tries them in turn and the packet is in the list when it is
/// in one of them.
/// </summary>
public sealed record IpSetMembers(ImmutableArray<AddressMask> Addresses, ImmutableArray<IpSetTuples> Tuples)
{
    public static IpSetMembers Of(params AddressMask[] addresses) => new([.. addresses], []) { HoldsAddressSets = true };

    public static implicit operator IpSetMembers(ImmutableArray<AddressMask> addresses) => new(addresses, []) { HoldsAddressSets = true };

    /// <summary>
    /// Whether it holds a set that tests one address: <see cref="Addresses"/> are what such a set
    /// matches, its nomatch elements already taken out, so <c>--return-nomatch</c> cannot be answered.
    /// </summary>
    public bool HoldsAddressSets { get; init; }

    /// <summary>Whether every set it holds tests one address (the first direction alone, then).</summary>
    public bool SingleAddress => Tuples.IsEmpty;

    /// <summary>The sets of tuples a match asks, under its directions (a set with more parts than directions never matches).</summary>
    public IEnumerable<TupleSet> Under(ImmutableArray<AddressField> directions, bool returnNoMatch) =>
        Tuples.Select(t => t.Under(directions, returnNoMatch)).OfType<TupleSet>();

    public static IpSetMembers Union(IEnumerable<IpSetMembers> held)
    {
        var all = held.ToList();
        return new([.. all.SelectMany(m => m.Addresses)], [.. all.SelectMany(m => m.Tuples)]) { HoldsAddressSets = all.Any(m => m.HoldsAddressSets) };
    }
}

/// <summary>What one part of an ipset's member is: an address (ip or net), a protocol and port, an interface.</summary>
public enum IpSetPart
{
    Address,
    Port,
    Interface,
}

/// <summary>
/// One set whose members are tuples: its family, its parts (hash:ip,port is Address, Port), whether
/// it has <c>nomatch</c> elements' feature (a type with a net part: <c>--return-nomatch</c> turns its
/// answers round), and its elements in the order the kernel tries them (the most specific net first).
/// </summary>
public sealed record IpSetTuples(IpFamily Family, ImmutableArray<IpSetPart> Parts, bool HasNets, ImmutableArray<TupleElement> Elements)
{
    /// <summary>
    /// The set a match asks: part i reads the packet's field of direction i (src: source address, source
    /// port, input interface; dst: destination...); with fewer directions than parts ip_set_test answers
    /// "not in it" (null here); further directions are not read. <c>--return-nomatch</c> (a type with
    /// the nomatch feature alone) makes a packet that a <c>nomatch</c> element decides match, and one a
    /// plain element decides not.
    /// </summary>
    public TupleSet? Under(ImmutableArray<AddressField> directions, bool returnNoMatch)
    {
        if (directions.Length < Parts.Length) return null;
        var columns = Parts.Select((part, i) =>
        {
            var source = directions[i] == AddressField.Source;
            return new TupleColumn(part switch
            {
                IpSetPart.Address => source ? TupleSetField.Source : TupleSetField.Destination,
                IpSetPart.Port => source ? TupleSetField.SourcePort : TupleSetField.DestinationPort,
                _ => source ? TupleSetField.InInterface : TupleSetField.OutInterface,
            });
        });
        var elements = returnNoMatch && HasNets ? Elements.Select(e => e with { Matches = !e.Matches }) : Elements;
        return new TupleSet(Family, [.. columns], [.. elements]);
    }
}
