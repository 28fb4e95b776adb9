using System.Text;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A set of unsigned integers as sorted, disjoint, non-adjacent inclusive intervals. Every header
/// dimension but the mark is one of these (addresses, protocol, ports, ICMP type, conntrack state,
/// interface symbols). Immutable; operations are merges of the two interval lists, each list cut
/// first to the stretch the other can meet.
/// </summary>
public sealed class IntervalSet : IEquatable<IntervalSet>
{
    // Flattened [lo0, hi0, lo1, hi1, ...]: one allocation per set, cache friendly on the hot path.
    private readonly UInt128[] _bounds;

    private IntervalSet(UInt128[] bounds) => _bounds = bounds;

    public static IntervalSet Empty { get; } = new([]);

    public static IntervalSet Range(UInt128 first, UInt128 last) =>
        first > last ? Empty : new([first, last]);

    public static IntervalSet Single(UInt128 value) => new([value, value]);

    /// <summary>The loopback addresses of a family: 127.0.0.0/8, or ::1.</summary>
    public static IntervalSet Loopback(Model.Values.IpFamily family) => family == Model.Values.IpFamily.V4
        ? Range((UInt128)127 << 24, ((UInt128)128 << 24) - 1)
        : Single(1);

    /// <summary>Any ranges, in any order, overlapping or not.</summary>
    public static IntervalSet FromRanges(IEnumerable<(UInt128 First, UInt128 Last)> ranges)
    {
        // Sorted only when out of order: the region builder's sweep gives each group's stretches in
        // order, a list per group of every piece it cuts (a LINQ sort of each was a tenth of a TUM reach).
        var list = ranges as List<(UInt128 First, UInt128 Last)> ?? [.. ranges];
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].First >= list[i - 1].First) continue;
            list = [.. list];
            list.Sort((x, y) => x.First.CompareTo(y.First));
            break;
        }

        // The canonical form of a set is one, so the order of equal starts does not matter.
        var b = new UInt128[2 * list.Count];
        var n = 0;
        foreach (var (lo, hi) in list)
        {
            if (lo > hi) continue;
            if (n > 0 && (b[n - 1] == UInt128.MaxValue || lo <= b[n - 1] + 1))
            {
                if (hi > b[n - 1]) b[n - 1] = hi;
            }
            else
            {
                b[n++] = lo;
                b[n++] = hi;
            }
        }

        return n == 0 ? Empty : new(n == b.Length ? b : b[..n]);
    }

    public static IntervalSet FromValues(IEnumerable<UInt128> values) => FromRanges(values.Select(v => (v, v)));

    public int Count => _bounds.Length / 2;

    public bool IsEmpty => _bounds.Length == 0;

    public (UInt128 First, UInt128 Last) this[int index] => (_bounds[2 * index], _bounds[2 * index + 1]);

    public IEnumerable<(UInt128 First, UInt128 Last)> Ranges
    {
        get
        {
            for (var i = 0; i < _bounds.Length; i += 2) yield return (_bounds[i], _bounds[i + 1]);
        }
    }

    /// <summary>The lowest member; the set must not be empty.</summary>
    public UInt128 Min => _bounds[0];

    /// <summary>Number of members (saturates at UInt128.MaxValue for the whole IPv6 space).</summary>
    public UInt128 Cardinality
    {
        get
        {
            UInt128 n = 0;
            for (var i = 0; i < _bounds.Length; i += 2)
            {
                var width = _bounds[i + 1] - _bounds[i];
                if (width == UInt128.MaxValue || n > UInt128.MaxValue - width - 1) return UInt128.MaxValue;
                n += width + 1;
            }

            return n;
        }
    }

    /// <summary>The index of the first range that ends at or after <paramref name="value"/> (<see cref="Count"/> when none does).</summary>
    internal int FirstEndingAtOrAfter(UInt128 value)
    {
        int l = 0, h = Count;
        while (l < h)
        {
            var m = (l + h) >>> 1;
            if (_bounds[2 * m + 1] < value) l = m + 1;
            else h = m;
        }

        return l;
    }

    public bool Contains(UInt128 value)
    {
        int lo = 0, hi = Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (value < _bounds[2 * mid]) hi = mid - 1;
            else if (value > _bounds[2 * mid + 1]) lo = mid + 1;
            else return true;
        }

        return false;
    }

    public bool Overlaps(IntervalSet other)
    {
        var a = _bounds;
        var b = other._bounds;
        if (a.Length == 0 || b.Length == 0) return false;
        var (i, ea) = Window(a, b);
        var (j, eb) = Window(b, a);
        while (i < ea && j < eb)
        {
            if (a[i + 1] < b[j]) i += 2;
            else if (b[j + 1] < a[i]) j += 2;
            else return true;
        }

        return false;
    }

    /// <summary>
    /// Whether every member is the other's: each range of this set lies inside one range of the other
    /// (the other's ranges are never adjacent, so no range spans two). Allocates nothing: the region
    /// builder asks it of every cover at every step of a sweep (<see cref="CoverSweep"/>).
    /// </summary>
    public bool IsSubsetOf(IntervalSet other)
    {
        if (ReferenceEquals(this, other) || _bounds.Length == 0) return true;
        var a = _bounds;
        var b = other._bounds;
        if (b.Length == 0 || a[0] < b[0] || a[^1] > b[^1]) return false;
        // The first of the other's ranges that ends at or after this set's lowest member.
        int l = 0, h = b.Length / 2;
        while (l < h)
        {
            var m = (l + h) >>> 1;
            if (b[2 * m + 1] < a[0]) l = m + 1;
            else h = m;
        }

        var j = 2 * l;
        for (var i = 0; i < a.Length; i += 2)
        {
            while (j < b.Length && b[j + 1] < a[i]) j += 2;
            if (j == b.Length || b[j] > a[i] || b[j + 1] < a[i + 1]) return false;
        }

        return true;
    }

    /// <summary>
    /// Whether the members this set shares with <paramref name="other"/> all lie in <paramref name="of"/>,
    /// without making the intersection: each common range lies inside one range of it (its ranges are
    /// never adjacent). reach's text asks it of every box it writes.
    /// </summary>
    public bool IntersectionIsSubsetOf(IntervalSet other, IntervalSet of)
    {
        var (a, b, c) = (_bounds, other._bounds, of._bounds);
        int i = 0, j = 0, k = 0;
        while (i < a.Length && j < b.Length)
        {
            var lo = UInt128.Max(a[i], b[j]);
            var hi = UInt128.Min(a[i + 1], b[j + 1]);
            if (lo <= hi)
            {
                while (k < c.Length && c[k + 1] < lo) k += 2;
                if (k == c.Length || c[k] > lo || c[k + 1] < hi) return false;
            }

            if (a[i + 1] < b[j + 1]) i += 2;
            else j += 2;
        }

        return true;
    }

    public IntervalSet Intersect(IntervalSet other)
    {
        if (ReferenceEquals(this, other)) return this;
        var a = _bounds;
        var b = other._bounds;
        if (a.Length == 0 || b.Length == 0) return Empty;
        if (a.Length == 2 && b.Length == 2)
        {
            var lo = UInt128.Max(a[0], b[0]);
            var hi = UInt128.Min(a[1], b[1]);
            return lo > hi ? Empty : lo == a[0] && hi == a[1] ? this : lo == b[0] && hi == b[1] ? other : new([lo, hi]);
        }

        // The common case on the hot path: one side lies inside a single interval of the other.
        if (b.Length == 2 && b[0] <= a[0] && a[^1] <= b[1]) return this;
        if (a.Length == 2 && a[0] <= b[0] && b[^1] <= a[1]) return other;
        var (i, ea) = Window(a, b);
        var (j, eb) = Window(b, a);
        // Each common range ends one range of either side: at most as many bounds as both windows hold.
        // Gathered in a buffer kept for the thread and copied once (a growing list was a tenth of a TUM reach).
        var result = Scratch(ea - i + eb - j);
        var n = 0;
        while (i < ea && j < eb)
        {
            var lo = UInt128.Max(a[i], b[j]);
            var hi = UInt128.Min(a[i + 1], b[j + 1]);
            if (lo <= hi)
            {
                result[n++] = lo;
                result[n++] = hi;
            }

            if (a[i + 1] < b[j + 1]) i += 2;
            else j += 2;
        }

        return n == 0 ? Empty : new(result.AsSpan(0, n).ToArray());
    }

    [ThreadStatic] private static UInt128[]? ScratchOfThread;

    private static UInt128[] Scratch(int length) =>
        ScratchOfThread is { } buffer && buffer.Length >= length ? buffer : ScratchOfThread = new UInt128[Math.Max(length, 64)];

    public IntervalSet Subtract(IntervalSet other)
    {
        var a = _bounds;
        var b = other._bounds;
        if (a.Length == 0 || b.Length == 0 || !Overlaps(other)) return this;
        // Only this set's ranges within the other's hull can change; those before and after it are
        // copied whole at the end (every address but 2,000 gateways less one /24 is 4,000 ranges
        // copied, not 4,000 appended one by one to a list that doubles on the way).
        var (start, end) = Window(a, b);
        var result = new List<UInt128>(end - start + b.Length + 2);
        var j = Window(b, a).Start;
        for (var i = start; i < end; i += 2)
        {
            var lo = a[i];
            var hi = a[i + 1];
            var open = true;
            while (j < b.Length && b[j + 1] < lo) j += 2;
            var k = j;
            while (open && k < b.Length && b[k] <= hi)
            {
                if (b[k] > lo)
                {
                    result.Add(lo);
                    result.Add(b[k] - 1);
                }

                if (b[k + 1] >= hi) open = false;
                else lo = b[k + 1] + 1;
                k += 2;
            }

            if (open)
            {
                result.Add(lo);
                result.Add(hi);
            }
        }

        if (start == 0 && end == a.Length) return Make(result);
        var bounds = new UInt128[start + result.Count + a.Length - end];
        if (bounds.Length == 0) return Empty;
        Array.Copy(a, bounds, start);
        result.CopyTo(bounds, start);
        Array.Copy(a, end, bounds, start + result.Count, a.Length - end);
        return new(bounds);
    }

    public IntervalSet Union(IntervalSet other)
    {
        if (other.IsEmpty || ReferenceEquals(this, other)) return this;
        if (IsEmpty) return other;
        var a = _bounds;
        var b = other._bounds;
        var result = new List<UInt128>(a.Length + b.Length);
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            UInt128 lo, hi;
            if (j == b.Length || (i < a.Length && a[i] <= b[j]))
            {
                (lo, hi) = (a[i], a[i + 1]);
                i += 2;
            }
            else
            {
                (lo, hi) = (b[j], b[j + 1]);
                j += 2;
            }

            if (result.Count > 0 && (result[^1] == UInt128.MaxValue || lo <= result[^1] + 1))
            {
                if (hi > result[^1]) result[^1] = hi;
            }
            else
            {
                result.Add(lo);
                result.Add(hi);
            }
        }

        return Make(result);
    }

    /// <summary>Everything from 0 to <paramref name="max"/> not in this set.</summary>
    public IntervalSet Complement(UInt128 max) => Range(0, max).Subtract(this);

    /// <summary>
    /// The stretch of <paramref name="a"/>'s flattened bounds, [Start, End), whose ranges can meet
    /// <paramref name="b"/> (those within b's lowest and highest members), found by binary search.
    /// A set of thousands of ranges (every address but the host's 2,000 gateways) is met again and
    /// again by a narrow one (one network's /24): a linear merge made each such meeting cost the
    /// whole wide set, which made the audit of 2,000 networks quadratic.
    /// </summary>
    private static (int Start, int End) Window(UInt128[] a, UInt128[] b)
    {
        if (a.Length <= 16 || b.Length == 0) return (0, a.Length);
        UInt128 lo = b[0], hi = b[^1];
        int l = 0, h = a.Length / 2;
        while (l < h)
        {
            var m = (l + h) >>> 1;
            if (a[2 * m + 1] < lo) l = m + 1;
            else h = m;
        }

        var start = l;
        h = a.Length / 2;
        while (l < h)
        {
            var m = (l + h) >>> 1;
            if (a[2 * m] <= hi) l = m + 1;
            else h = m;
        }

        return (2 * start, 2 * l);
    }

    private static IntervalSet Make(List<UInt128> bounds) => bounds.Count == 0 ? Empty : new(bounds.ToArray());

    public bool Equals(IntervalSet? other) =>
        other is not null && (ReferenceEquals(this, other) || _bounds.AsSpan().SequenceEqual(other._bounds));

    public override bool Equals(object? obj) => Equals(obj as IntervalSet);

    // Computed once: a walk's summary cache hashes a box (every set of it) at each chain call, and a
    // set of many ranges (every bridge but some) is shared by many boxes. 0 means not yet computed.
    private int _hash;

    public override int GetHashCode()
    {
        if (_hash != 0) return _hash;
        var h = new HashCode();
        foreach (var v in _bounds) h.Add(v);
        var hash = h.ToHashCode();
        return _hash = hash == 0 ? 1 : hash;
    }

    public override string ToString()
    {
        var sb = new StringBuilder("{");
        foreach (var (lo, hi) in Ranges)
        {
            if (sb.Length > 1) sb.Append(',');
            sb.Append(lo == hi ? $"{lo}" : $"{lo}-{hi}");
        }

        return sb.Append('}').ToString();
    }
}
