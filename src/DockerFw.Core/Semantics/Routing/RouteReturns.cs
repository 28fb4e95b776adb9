using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Semantics.Routing;

/// <summary>
/// The reverse-path check decided from the host's routes, for every source, as the kernel looks the
/// source up (docs/semantics.md, "Reverse path"): xt_rpfilter's <c>rpfilter_lookup_reverse[6]</c> and
/// nft_fib4/nft_fib6's <c>fib saddr [. iif] oif</c>. The tables the policy rules name (the kernel's:
/// local, main, default), the longest prefix in the first table that has one. The route found:
/// <list type="bullet">
/// <item>none, or blackhole, unreachable, prohibit, or an IPv6 anycast address: the check fails;</item>
/// <item>a local address: fails, but with <c>--accept-local</c> (an IPv4 one strict only on its device);</item>
/// <item>unicast: loose passes; strict passes when the route leaves by the input interface (IPv4: any
/// nexthop of a multipath route, fib_info_nh_uses_dev).</item>
/// </list>
/// IPv6 link-local sources are looked up on the input interface alone (RT6_LOOKUP_F_IFACE): the
/// routes by that interface decide. Left open: everything, when the policy rules are not the
/// kernel's; the loopback interface (passes in PREROUTING, looked up elsewhere by nft); sources in
/// 0.0.0.0/8 (pass toward a broadcast or local multicast destination), IPv4 and IPv6 multicast
/// (multicast routes are not read) and <c>::</c> (iptables passes it, nft looks it up); a broadcast
/// route (iptables fails, nft compares the device); a throw route; routes of one prefix by different
/// devices (iptables prefers the input one, nft takes the first); a route chosen by tos or source.
/// </summary>
public sealed class RouteReturns : ReturnPaths
{
    private static readonly ConditionalWeakTable<RoutingTable, RouteReturns?[]> Built = new();

    private readonly IpFamily family;
    private readonly Route[][] groups;
    private readonly int[] ranks;
    private readonly RoutePartition partition;
    private readonly string? policy;
    private readonly ConcurrentDictionary<(string Input, bool Loose, bool AcceptLocal), ReturnSources> answers = new();

    // By device, the runs whose route group names it: where an interface's answer differs from an unnamed one's.
    private readonly Lazy<Dictionary<string, List<int>>> runsByDevice;

    // By device, the route groups that name it: the routes an IPv6 link-local lookup on it may end at.
    private readonly Lazy<Dictionary<string, List<int>>> groupsByDevice;

    private RouteReturns(RoutingTable table, IpFamily family)
    {
        this.family = family;
        var rules = table.RulesOf(family);
        ImmutableArray<string> tables = rules is { KernelDefaults: true } ? rules.Tables : ["local", "main", "default"];
        if (rules is { KernelDefaults: false })
            policy = $"{ReversePathCheck.PolicyRouted} ({string.Join("; ", rules.Unusual.Take(3))}{(rules.Unusual.Length > 3 ? "; ..." : "")})";
        var grouped = table.Routes.Where(r => r.Family == family && tables.Contains(r.Table) && r.Destination.IsContiguous)
            .GroupBy(r => (Rank: tables.IndexOf(r.Table), r.Destination)).ToArray();
        groups = [.. grouped.Select(g => g.OrderBy(r => r.Metric).ToArray())];
        ranks = [.. grouped.Select(g => g.Key.Rank)];
        partition = RoutePartition.Of(family, grouped.Select((g, i) => (g.Key.Rank, g.Key.Destination, i)));
        Interfaces = [.. table.Routes.Where(r => r.Family == family).SelectMany(r => r.Devices).Distinct(StringComparer.Ordinal)];
        groupsByDevice = new(() =>
        {
            var index = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var g = 0; g < groups.Length; g++)
                foreach (var device in groups[g].SelectMany(r => r.Devices).Distinct(StringComparer.Ordinal))
                    (index.TryGetValue(device, out var list) ? list : index[device] = []).Add(g);
            return index;
        });
        runsByDevice = new(() =>
        {
            var index = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var i = 0; i < partition.Runs.Count; i++)
                if (partition.Runs[i].Group is var g and >= 0)
                    foreach (var device in groups[g].SelectMany(r => r.Devices).Distinct(StringComparer.Ordinal))
                        (index.TryGetValue(device, out var list) ? list : index[device] = []).Add(i);
            return index;
        });
    }

    /// <summary>The answers of a complete table (built once per table and family); null when the table is not complete.</summary>
    public static RouteReturns? Of(RoutingTable table, IpFamily family)
    {
        if (!table.Complete) return null;
        var built = Built.GetValue(table, _ => new RouteReturns?[2]);
        var slot = family == IpFamily.V4 ? 0 : 1;
        return built[slot] ??= new RouteReturns(table, family);
    }

    public override IEnumerable<string> Interfaces { get; }

    public override string Doubt => policy ?? ReversePathCheck.UndecidedByRoutes;

    public override ReturnSources For(string input, ReversePathCheck check) =>
        answers.GetOrAdd((input, check.Loose, check.AcceptLocal), key => Build(key.Input, check));

    private ReturnSources Build(string input, ReversePathCheck check)
    {
        if (policy is not null || input == "lo") return new ReturnSources(IntervalSet.Empty, IntervalSet.Range(0, family.AllOnes()));
        // An interface no route names answers alike everywhere; another differs only where a route by it decides.
        var (pass, undecided) = input == Unnamed ? Lookup(Enumerable.Range(0, partition.Runs.Count), input, check)
            : Adjusted(For(Unnamed, check), input, check);
        if (input == Unnamed) return new ReturnSources(pass, undecided);
        if (family == IpFamily.V6)
        {
            // Link-local sources: only the routes by the input interface take part in the lookup.
            var (linkPass, linkOpen) = LinkLocal(input, check);
            (pass, undecided) = (pass.Subtract(LinkLocalRange).Union(linkPass), undecided.Subtract(LinkLocalRange).Union(linkOpen));
        }

        var special = family == IpFamily.V4 ? SpecialV4 : SpecialV6;
        return new ReturnSources(pass.Subtract(special), undecided.Union(special));
    }

    // No interface's name (a NUL never is in one): its answer, before link-local sources and the
    // sources left open, is the one every interface starts from.
    private const string Unnamed = "\0";

    private (IntervalSet Pass, IntervalSet Open) Adjusted(ReturnSources unnamed, string input, ReversePathCheck check)
    {
        if (!runsByDevice.Value.TryGetValue(input, out var runs)) return (unnamed.Passing, unnamed.Undecided);
        var changed = IntervalSet.FromRanges(runs.Select(i => (partition.Runs[i].First, partition.Runs[i].Last)));
        var (pass, open) = Lookup(runs, input, check);
        return (unnamed.Passing.Subtract(changed).Union(pass), unnamed.Undecided.Subtract(changed).Union(open));
    }

    private (IntervalSet Pass, IntervalSet Open) Lookup(IEnumerable<int> runs, string input, ReversePathCheck check)
    {
        var (passing, open) = (new List<(UInt128, UInt128)>(), new List<(UInt128, UInt128)>());
        foreach (var i in runs)
        {
            var (first, last, group) = partition.Runs[i];
            Add(Decide(group < 0 ? [] : groups[group], input, check, linkLocal: false), first, last, passing, open);
        }

        return (IntervalSet.FromRanges(passing), IntervalSet.FromRanges(open));
    }

    private (IntervalSet Pass, IntervalSet Open) LinkLocal(string input, ReversePathCheck check)
    {
        var (lo, hi) = LinkLocalRange[0];
        var via = new List<Route[]>();
        var prefixes = new List<(int, AddressMask, int)>();
        foreach (var i in groupsByDevice.Value.GetValueOrDefault(input) ?? [])
        {
            var (first, last) = groups[i][0].Destination.Bounds;
            if (last < lo || first > hi) continue;
            var mine = groups[i].Where(r => r.Devices.Contains(input, StringComparer.Ordinal)).ToArray();
            if (mine.Length == 0) continue;
            prefixes.Add((ranks[i], groups[i][0].Destination, via.Count));
            via.Add(mine);
        }

        var (passing, open) = (new List<(UInt128, UInt128)>(), new List<(UInt128, UInt128)>());
        foreach (var (first, last, group) in RoutePartition.Of(family, prefixes).Runs)
            if (last >= lo && first <= hi)
                Add(Decide(group < 0 ? [] : via[group], input, check, linkLocal: true), UInt128.Max(first, lo), UInt128.Min(last, hi), passing, open);
        return (IntervalSet.FromRanges(passing), IntervalSet.FromRanges(open));
    }

    private static void Add(bool? outcome, UInt128 first, UInt128 last, List<(UInt128, UInt128)> passing, List<(UInt128, UInt128)> open)
    {
        if (outcome == true) passing.Add((first, last));
        else if (outcome is null) open.Add((first, last));
    }

    /// <summary>What the route group the lookup ends at answers: true passes, false fails, null open.</summary>
    /// <param name="linkLocal">An IPv6 link-local lookup: the group holds only the routes by the input interface.</param>
    private bool? Decide(Route[] group, string input, ReversePathCheck check, bool linkLocal)
    {
        if (group.Length == 0) return false;
        // IPv4 takes the lowest metric of the prefix; IPv6 iptables prefers a route by the input interface, nft the first.
        var candidates = family == IpFamily.V4 ? group.Where(r => r.Metric == group[0].Metric).ToArray() : group;
        if (candidates.Any(r => r.Selective) || candidates.Select(r => r.Type).Distinct().Count() > 1) return null;
        var devices = candidates.SelectMany(r => r.Devices).Distinct(StringComparer.Ordinal).ToList();
        bool? ByDevice() =>
            linkLocal ? true
            : !devices.Contains(input, StringComparer.Ordinal) ? false
            : devices.Count == 1 || (family == IpFamily.V4 && candidates.Length == 1) ? true
            : null;
        return candidates[0].Type switch
        {
            RouteType.Unicast => check.Loose ? true : ByDevice(),
            RouteType.Local => !check.AcceptLocal ? false : family == IpFamily.V6 || check.Loose ? true : ByDevice(),
            RouteType.Broadcast => !check.Loose && !linkLocal && !devices.Contains(input, StringComparer.Ordinal) ? false : null,
            RouteType.Throw => null,
            _ => false,
        };
    }

    private static readonly IntervalSet LinkLocalRange = Range(IpFamily.V6, "fe80::", 10);

    private static readonly IntervalSet SpecialV4 = Range(IpFamily.V4, "0.0.0.0", 8).Union(Range(IpFamily.V4, "224.0.0.0", 4));

    private static readonly IntervalSet SpecialV6 = IntervalSet.Single(0).Union(Range(IpFamily.V6, "ff00::", 8));

    private static IntervalSet Range(IpFamily family, string address, int length)
    {
        var (first, last) = AddressMask.FromPrefix(family, IpAddressValue.Parse(address, family), length).Bounds;
        return IntervalSet.Range(first, last);
    }
}
