using System.Collections.Immutable;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Semantics;

/// <summary>
/// The reverse-path check: iptables' <c>-m rpfilter [--loose] [--validmark] [--invert]</c>, which nft
/// writes <c>fib saddr [. mark] [. iif] oif missing</c> (firewalld's IPv6_rpfilter, oracle F30). The
/// kernel looks up the route to the packet's source (with the packet's mark when asked) and asks
/// whether it leaves by the input interface (any interface when loose). Both engines ask
/// <see cref="ReturnPaths"/>: with the host's routes the check is decided for every source
/// (<see cref="Routing.RouteReturns"/>); with its addresses alone, where the answer cannot depend on
/// anything else (docs/semantics.md, "Reverse path"): a source in a connected subnet of the input
/// interface has its route back there.
/// </summary>
/// <param name="Inverted">True when the rule matches the packets that fail the check (drop them).</param>
/// <param name="Loose">True when any route back will do, whatever interface it leaves by.</param>
public sealed record ReversePathCheck(bool Inverted, bool Loose)
{
    public const string Module = "rpfilter";

    /// <summary>Why the engines leave the check open outside the sources they decide.</summary>
    public const string Undecided =
        "the reverse-path check (rpfilter, nft's fib saddr ... oif) asks the host's routes: decided only for a source in a connected subnet of the input interface";

    /// <summary>Why, with the routes, some sources stay open (<see cref="Routing.RouteReturns"/> says which).</summary>
    public const string UndecidedByRoutes =
        "the reverse-path check (rpfilter, nft's fib saddr ... oif) is left open by the routes for this source: the loopback interface, a source in 0.0.0.0/8, multicast or ::, a broadcast or throw route, routes of one prefix by different devices, or a route chosen by tos or source";

    /// <summary>Why, with policy rules other than the kernel's, the routes decide nothing.</summary>
    public const string PolicyRouted =
        "the reverse-path check (rpfilter, nft's fib saddr ... oif) looks the source up through the host's policy rules (ip rule), which are not only the kernel's local, main and default: not decided";

    /// <summary><c>--accept-local</c>: a source that is one of the host's addresses passes too.</summary>
    public bool AcceptLocal { get; init; }

    /// <summary>The check a <c>-m rpfilter</c> block states; null when it holds an option this reading does not know.</summary>
    public static ReversePathCheck? Of(MatchBlock block)
    {
        if (block.Module != Module) return null;
        bool inverted = false, loose = false, acceptLocal = false;
        foreach (var match in block.Matches)
        {
            if (match is not ModuleOptionMatch { Module: Module, Negated: false, Arguments.IsEmpty: true } option) return null;
            switch (option.Name)
            {
                case "--invert": inverted = true; break;
                case "--loose": loose = true; break;
                // The mark selects a policy rule (`ip rule ... fwmark`); with the kernel's default rules,
                // the only ones the routes decide under (RouteReturns), none does.
                case "--validmark": break;
                case "--accept-local": acceptLocal = true; break;
                default: return null;
            }
        }

        return new ReversePathCheck(inverted, loose) { AcceptLocal = acceptLocal };
    }

    /// <summary>
    /// The sources whose route back certainly leaves by each interface, from the host's addresses
    /// (<paramref name="local"/>: every address that is, or may be, the host's own). For an address
    /// A/P on interface I the kernel makes the connected route A/P dev I in table main, and the lookup
    /// of a source S inside it (the kernel's default policy rules: local, main, default) finds:
    /// <list type="bullet">
    /// <item>table local first: S one of the host's addresses (a local route: the check fails), or
    /// the subnet's first or last address (IPv6's subnet-router anycast, IPv4's broadcast): left out;</item>
    /// <item>then the longest prefix in main: a subnet of another interface as long or longer that
    /// holds S may win there: its addresses are left out. Link-local sources are looked up on the
    /// input interface only (RT6_LOOKUP_F_IFACE), so other interfaces' fe80::/64 do not compete.</item>
    /// </list>
    /// The rest of the subnet is certain: the route back is I's.
    /// </summary>
    public static ImmutableDictionary<string, IntervalSet> CertainReturns(IEnumerable<InterfaceAddress> addresses, IpFamily family, IntervalSet local)
    {
        var listed = addresses.Where(a => a.Family == family).ToList();
        // Every listed address is the host's, whatever the caller's set of local ones says.
        local = local.Union(IntervalSet.FromValues(listed.Select(a => a.Address)));
        // By first address: the rivals of a subnet (as long or longer, so inside it) follow it there,
        // found by a binary search rather than a pass over every subnet (hosts with thousands of bridges).
        var subnets = listed.Select(a => (a.Interface, Subnet: AddressMask.FromPrefix(family, a.Network, a.PrefixLength), Length: a.PrefixLength))
            .Distinct().OrderBy(s => s.Subnet.Address).ThenBy(s => s.Length).ToList();
        var firsts = subnets.Select(s => s.Subnet.Address).ToArray();
        var result = new Dictionary<string, List<(UInt128, UInt128)>>(StringComparer.Ordinal);
        foreach (var (name, subnet, length) in subnets)
        {
            var (first, last) = subnet.Bounds;
            var left = new List<(UInt128 First, UInt128 Last)>();
            left.AddRange(Within(local, first, last));
            left.Add((first, first));
            left.Add((last, last));
            if (!IsLinkLocal(family, subnet))
                for (var i = LowerBound(firsts, first); i < subnets.Count && subnets[i].Subnet.Address <= last; i++)
                    if (subnets[i].Interface != name && subnets[i].Length >= length)
                        left.Add(subnets[i].Subnet.Bounds);
            var certain = IntervalSet.Range(first, last).Subtract(IntervalSet.FromRanges(left));
            if (!result.TryGetValue(name, out var ranges)) result[name] = ranges = [];
            ranges.AddRange(certain.Ranges);
        }

        return result.ToImmutableDictionary(kv => kv.Key, kv => IntervalSet.FromRanges(kv.Value), StringComparer.Ordinal);
    }

    // The intervals of the set that meet [first, last], clipped to it.
    private static IEnumerable<(UInt128, UInt128)> Within(IntervalSet set, UInt128 first, UInt128 last)
    {
        var (lo, hi) = (0, set.Count);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (set[mid].Last < first) lo = mid + 1;
            else hi = mid;
        }

        for (var i = lo; i < set.Count && set[i].First <= last; i++)
            yield return (UInt128.Max(set[i].First, first), UInt128.Min(set[i].Last, last));
    }

    private static int LowerBound(UInt128[] sorted, UInt128 value)
    {
        var (lo, hi) = (0, sorted.Length);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }

    /// <summary>The host's own addresses as the check sees them: those listed and the loopback range.</summary>
    public static IntervalSet Local(IEnumerable<InterfaceAddress> addresses, IpFamily family)
    {
        var loopback = IntervalSet.Loopback(family);
        return addresses.Where(a => a.Family == family).Aggregate(loopback, (s, a) => s.Union(IntervalSet.Single(a.Address)));
    }

    private static readonly AddressMask LinkLocal = AddressMask.FromPrefix(IpFamily.V6, IpAddressValue.Parse("fe80::", IpFamily.V6), 10);

    private static bool IsLinkLocal(IpFamily family, AddressMask subnet) =>
        family == IpFamily.V6 && subnet.PrefixLength >= 10 && LinkLocal.Contains(subnet.Address);
}
