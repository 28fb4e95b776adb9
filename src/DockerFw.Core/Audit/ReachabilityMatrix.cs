using System.Collections;
using System.Collections.Immutable;

namespace DockerFw.Core.Audit;

/// <summary>
/// The network-by-network matrix over every ordered pair of distinct networks of <see cref="Networks"/>,
/// held as the pairs whose verdict is not denied (<see cref="Listed"/>): every other pair is denied,
/// and a denied pair has no flows, so nothing is lost. A host whose N networks are isolated as Docker
/// intends holds no pair at all instead of N(N-1) (999,000 at 1,000 bridges). Enumerating it yields
/// every pair, row by row in the order of <see cref="Networks"/>, the denied ones made on the way.
/// </summary>
public sealed class ReachabilityMatrix : IReadOnlyCollection<ReachabilityEntry>
{
    private readonly Dictionary<(string From, string To), ReachabilityEntry> _listed;
    private readonly HashSet<string> _names;

    /// <param name="networks">The matrix's networks, in row order.</param>
    /// <param name="entries">Pairs with their verdicts; denied ones (and pairs of networks not named) are left out.</param>
    public ReachabilityMatrix(IEnumerable<string> networks, IEnumerable<ReachabilityEntry> entries)
    {
        Networks = [.. networks];
        _names = Networks.ToHashSet(StringComparer.Ordinal);
        var listed = entries.Where(e => e.Verdict != ReachabilityVerdict.Denied && e.From != e.To && _names.Contains(e.From) && _names.Contains(e.To)).ToList();
        _listed = [];
        foreach (var e in listed) _listed.TryAdd((e.From, e.To), e);
        var row = Networks.Select((n, i) => (n, i)).GroupBy(x => x.n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        Listed = [.. _listed.Values.OrderBy(e => row[e.From]).ThenBy(e => row[e.To])];
    }

    public static ReachabilityMatrix Empty { get; } = new([], []);

    /// <summary>The networks the matrix is over, in row order.</summary>
    public ImmutableArray<string> Networks { get; }

    /// <summary>The pairs whose verdict is not denied, row by row.</summary>
    public ImmutableArray<ReachabilityEntry> Listed { get; }

    /// <summary>Every ordered pair of distinct networks: N(N-1).</summary>
    public int Count => Networks.Length * Math.Max(0, Networks.Length - 1);

    public int Length => Count;

    public bool IsEmpty => Count == 0;

    /// <summary>The entry of one pair; null when either is not a network of the matrix or both are the same.</summary>
    public ReachabilityEntry? Of(string from, string to) =>
        from == to || !_names.Contains(from) || !_names.Contains(to) ? null
        : _listed.TryGetValue((from, to), out var e) ? e : Denied(from, to);

    public IEnumerator<ReachabilityEntry> GetEnumerator()
    {
        foreach (var from in Networks)
            foreach (var to in Networks)
                if (from != to) yield return _listed.TryGetValue((from, to), out var e) ? e : Denied(from, to);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static ReachabilityEntry Denied(string from, string to) => new(from, to, ReachabilityVerdict.Denied, []);
}
