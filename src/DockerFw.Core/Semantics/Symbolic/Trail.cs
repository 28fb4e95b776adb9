namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A persistent list, newest first: the rules a flow has met, or the assumptions it made. A node is
/// one item, or a whole trail met after its tail (a chain's summary, computed once and grafted onto
/// every caller's trail): a chain reached by 2^40 ways (two jumps to the next, 40 levels deep) then
/// costs one node per level instead of 2^40 items. <see cref="Count"/> is the logical length.
/// </summary>
internal sealed class Trail<T>
{
    public Trail(T head, Trail<T>? tail)
    {
        Head = head;
        Tail = tail;
        Count = 1 + (tail?.Count ?? 0);
        Power = Mul(tail?.Power ?? 1, Base);
        Hash = Add(Mul(tail?.Hash ?? 0, Base), Reduce((ulong)(uint)EqualityComparer<T>.Default.GetHashCode(head!)));
    }

    private Trail(Trail<T> inner, Trail<T>? tail)
    {
        Head = default!;
        Inner = inner;
        Tail = tail;
        // Saturates: a trail of 2^62 items is not listed anyway.
        Count = Math.Min(inner.Count + (tail?.Count ?? 0), long.MaxValue / 2);
        Power = Mul(tail?.Power ?? 1, inner.Power);
        Hash = Add(Mul(tail?.Hash ?? 0, inner.Power), inner.Hash);
    }

    // Polynomial hash of the item sequence modulo the prime 2^61-1 (not 2^64, which sequences built
    // by doubling, like the Thue-Morse words a diamond of jumps makes, collide in): the hash of a
    // concatenation follows from its parts', so a graft gets its hash in O(1) however long it is.
    private const ulong Prime = (1UL << 61) - 1;
    private const ulong Base = 1_000_003;

    /// <summary>A hash of the items in order, the same whatever grafts built the trail.</summary>
    public ulong Hash { get; }

    /// <summary>Base^Count modulo the prime.</summary>
    private ulong Power { get; }

    private static ulong Reduce(ulong x) => x % Prime;

    private static ulong Add(ulong a, ulong b) => (a + b) % Prime;

    private static ulong Mul(ulong a, ulong b) => (ulong)((UInt128)a * b % Prime);

    /// <summary>The item of an item node (default on a grafted node).</summary>
    public T Head { get; }

    /// <summary>The grafted trail, met after <see cref="Tail"/>; null on an item node.</summary>
    public Trail<T>? Inner { get; }

    public Trail<T>? Tail { get; }

    public long Count { get; }

    /// <summary><paramref name="segment"/> met after <paramref name="prefix"/>, sharing both.</summary>
    public static Trail<T>? Graft(Trail<T>? prefix, Trail<T>? segment) =>
        segment is null ? prefix : prefix is null ? segment : new Trail<T>(segment, prefix);

    /// <summary>The first <paramref name="max"/> items, oldest first.</summary>
    public static List<T> OldestFirst(Trail<T>? trail, long max = long.MaxValue)
    {
        var list = new List<T>((int)Math.Min(trail?.Count ?? 0, Math.Min(max, 1024)));
        Append(trail, list, max);
        return list;
    }

    /// <summary>The distinct items, in order of first occurrence; a shared graft is visited once.</summary>
    public static List<T> Distinct(Trail<T>? trail)
    {
        var seen = new HashSet<T>();
        var visited = new HashSet<Trail<T>>(ReferenceEqualityComparer.Instance);
        var list = new List<T>();
        Collect(trail, seen, visited, list);
        return list;
    }

    public static Trail<T>? Of(IEnumerable<T> oldestFirst) =>
        oldestFirst.Aggregate((Trail<T>?)null, (tail, head) => new Trail<T>(head, tail));

    /// <summary>Same items in the same order (a shared graft compares by reference, else item by item).</summary>
    public static bool Same(Trail<T>? a, Trail<T>? b, long maxCompared = 4096)
    {
        if (ReferenceEquals(a, b)) return true;
        if ((a?.Count ?? 0) != (b?.Count ?? 0)) return false;
        if (a!.Inner is null && b!.Inner is null)
        {
            // The common case: plain lists, compared without allocating.
            for (; a is not null && b is not null; a = a.Tail, b = b.Tail)
            {
                if (ReferenceEquals(a, b)) return true;
                if (a.Inner is not null || b.Inner is not null) return Same(a, b, maxCompared);
                if (!EqualityComparer<T>.Default.Equals(a.Head, b.Head)) return false;
            }

            return a is null && b is null;
        }

        // Beyond the bound two different shapes count as different: a lost merge, never a wrong one.
        return a.Count <= maxCompared && OldestFirst(a).SequenceEqual(OldestFirst(b));
    }

    private static void Append(Trail<T>? trail, List<T> list, long max)
    {
        // The spine is walked without recursion (a trail can hold 100,000 rules); only grafts nest,
        // as deep as the jumps did.
        var spine = new List<Trail<T>>();
        for (var t = trail; t is not null; t = t.Tail) spine.Add(t);
        for (var i = spine.Count - 1; i >= 0 && list.Count < max; i--)
        {
            if (spine[i].Inner is { } inner) Append(inner, list, max);
            else list.Add(spine[i].Head);
        }
    }

    private static void Collect(Trail<T>? trail, HashSet<T> seen, HashSet<Trail<T>> visited, List<T> list)
    {
        var spine = new List<Trail<T>>();
        for (var t = trail; t is not null; t = t.Tail) spine.Add(t);
        for (var i = spine.Count - 1; i >= 0; i--)
        {
            if (spine[i].Inner is { } inner)
            {
                if (visited.Add(inner)) Collect(inner, seen, visited, list);
            }
            else if (seen.Add(spine[i].Head)) list.Add(spine[i].Head);
        }
    }
}
