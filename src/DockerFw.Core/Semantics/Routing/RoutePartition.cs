using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Routing;

/// <summary>
/// The address space cut into runs that one lookup answers alike: for every address, the group of
/// routes (one table, one prefix) the kernel's lookup ends at, or none. Tables are asked in order
/// and, in a table, the longest prefix wins; so the prefixes are painted from the last table to the
/// first and, in each, from the shortest to the longest, every later one over what it covers.
/// </summary>
internal sealed class RoutePartition
{
    private readonly List<(UInt128 First, UInt128 Last, int Group)> runs;

    private RoutePartition(List<(UInt128, UInt128, int)> runs) => this.runs = runs;

    /// <summary>The runs, in address order, covering the whole space; group -1: no route.</summary>
    public IReadOnlyList<(UInt128 First, UInt128 Last, int Group)> Runs => runs;

    /// <param name="prefixes">Each group's prefix and the rank of its table in the lookup (0 first).</param>
    public static RoutePartition Of(IpFamily family, IEnumerable<(int Rank, AddressMask Prefix, int Group)> prefixes)
    {
        var runs = new List<(UInt128, UInt128, int)> { (0, family.AllOnes(), -1) };
        foreach (var (_, prefix, group) in prefixes.OrderByDescending(p => p.Rank).ThenBy(p => p.Prefix.PrefixLength ?? 0))
            Paint(runs, prefix.Bounds.First, prefix.Bounds.Last, group);
        return new RoutePartition(runs);
    }

    /// <summary>The group that answers for <paramref name="address"/>; -1 when none does.</summary>
    public int GroupOf(UInt128 address) => runs[IndexOf(runs, address)].Group;

    private static void Paint(List<(UInt128 First, UInt128 Last, int Group)> runs, UInt128 first, UInt128 last, int group)
    {
        var i = IndexOf(runs, first);
        var j = IndexOf(runs, last);
        var (headFirst, _, headGroup) = runs[i];
        var (_, tailLast, tailGroup) = runs[j];
        var replacement = new List<(UInt128, UInt128, int)>(3);
        if (headFirst < first) replacement.Add((headFirst, first - 1, headGroup));
        replacement.Add((first, last, group));
        if (last < tailLast) replacement.Add((last + 1, tailLast, tailGroup));
        runs.RemoveRange(i, j - i + 1);
        runs.InsertRange(i, replacement);
    }

    // The run holding the address: the runs cover the space without gaps, in order.
    private static int IndexOf(List<(UInt128 First, UInt128 Last, int Group)> runs, UInt128 address)
    {
        var (lo, hi) = (0, runs.Count - 1);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (runs[mid].Last < address) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }
}
