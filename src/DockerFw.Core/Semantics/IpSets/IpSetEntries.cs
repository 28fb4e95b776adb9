using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Semantics.IpSets;

/// <summary>
/// The entries of one single-address set and what the kernel matches with them. A hash:net set tries
/// its prefixes from the longest down and the first entry that holds the address decides: a
/// <c>nomatch</c> entry there means "not in the set" (ipset's nethash tests: 1.1.1.0/30 inside a
/// 1.1.1.0/28 nomatch inside a 1.1.1.0/26 matches, the rest of the /28 does not).
/// </summary>
internal sealed class IpSetEntries(IpFamily family)
{
    private readonly List<(UInt128 First, UInt128 Last, int Prefix, bool NoMatch)> entries = [];

    public IpFamily Family => family;

    /// <summary>An entry of the addresses [first, last], stored as the prefixes that cover them (as ipset stores a range).</summary>
    public void Add(UInt128 first, UInt128 last, bool noMatch)
    {
        foreach (var prefix in Prefixes(first, last))
            entries.Add((prefix.Bounds.First, prefix.Bounds.Last, prefix.PrefixLength!.Value, noMatch));
    }

    /// <summary>The addresses the set matches, as prefixes (a range entry split into the prefixes ipset stores).</summary>
    public ImmutableArray<AddressMask> Members()
    {
        if (!entries.Any(e => e.NoMatch))
            return [.. entries.Select(e => AddressMask.FromPrefix(family, e.First, e.Prefix))];

        // Shorter prefixes first, each longer one overriding what it holds.
        var matched = IntervalSet.Empty;
        foreach (var (first, last, _, noMatch) in entries.OrderBy(e => e.Prefix))
            matched = noMatch ? matched.Subtract(IntervalSet.Range(first, last)) : matched.Union(IntervalSet.Range(first, last));
        return [.. matched.Ranges.SelectMany(r => Prefixes(r.First, r.Last))];
    }

    /// <summary>The fewest prefixes that cover [first, last] exactly.</summary>
    private IEnumerable<AddressMask> Prefixes(UInt128 first, UInt128 last) => Prefixes(family, first, last);

    /// <summary>The fewest prefixes that cover [first, last] exactly (as ipset stores a range of nets).</summary>
    public static IEnumerable<AddressMask> Prefixes(IpFamily family, UInt128 first, UInt128 last)
    {
        var bits = family.Bits();
        while (true)
        {
            // The largest aligned block starting at first that stays inside the range.
            var size = 0;
            while (size < bits && ((first >> size) & 1) == 0 && BlockLast(first, size + 1) <= last)
                size++;
            yield return AddressMask.FromPrefix(family, first, bits - size);
            var end = BlockLast(first, size);
            if (end >= last) yield break;
            first = end + 1;
        }
    }

    // The last address of the block of 2^size addresses from first (aligned, so it does not wrap).
    private static UInt128 BlockLast(UInt128 first, int size) => size >= 128 ? UInt128.MaxValue : first | ((UInt128.One << size) - 1);
}
