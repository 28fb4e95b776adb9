namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A header-space box: the product of one set per <see cref="Dimension"/> and a set of marks. Each
/// side is a set, not one interval, so "every interface but eth0" or a non-contiguous mask is still
/// one box. Immutable; the arrays are never written after construction and are shared freely.
/// </summary>
public sealed class Box : IEquatable<Box>
{
    private readonly IntervalSet[] _sets;

    public Box(IntervalSet[] sets, BitCubeSet mark)
    {
        if (sets.Length != Dimensions.Count) throw new ArgumentException("one set per dimension", nameof(sets));
        _sets = sets;
        Mark = mark;
    }

    public IntervalSet this[Dimension d] => _sets[(int)d];

    public BitCubeSet Mark { get; }

    public bool IsEmpty => Mark.IsEmpty || _sets.Any(s => s.IsEmpty);

    public Box With(Dimension d, IntervalSet set)
    {
        var copy = (IntervalSet[])_sets.Clone();
        copy[(int)d] = set;
        return new Box(copy, Mark);
    }

    public Box WithMark(BitCubeSet mark) => new(_sets, mark);

    /// <summary>
    /// This box on the dimensions of <paramref name="kept"/> (one bit per dimension) and on the mark when
    /// <paramref name="keepMark"/>, <paramref name="other"/>'s sets elsewhere: one copy where a <see cref="With"/>
    /// per dimension made one each (a summary of a widened box widens and gives back every flow this way).
    /// </summary>
    public Box Blend(Box other, int kept, bool keepMark)
    {
        var copy = (IntervalSet[])_sets.Clone();
        for (var d = 0; d < copy.Length; d++)
            if ((kept & 1 << d) == 0) copy[d] = other._sets[d];
        return new Box(copy, keepMark ? Mark : other.Mark);
    }

    /// <summary>A copy of the sets, for a caller that cuts a box several times and makes each piece once.</summary>
    internal IntervalSet[] CopySets() => (IntervalSet[])_sets.Clone();

    public bool Overlaps(Box other)
    {
        for (var i = 0; i < Dimensions.Count; i++)
            if (!_sets[i].Overlaps(other._sets[i])) return false;
        return Mark.Overlaps(other.Mark);
    }

    /// <summary>The common part, or null when there is none.</summary>
    public Box? Intersect(Box other)
    {
        IntervalSet[]? copy = null;
        for (var i = 0; i < Dimensions.Count; i++)
        {
            var a = _sets[i];
            var s = a.Intersect(other._sets[i]);
            if (s.IsEmpty) return null;
            if (!ReferenceEquals(s, a)) (copy ??= (IntervalSet[])_sets.Clone())[i] = s;
        }

        var mark = Mark.Intersect(other.Mark);
        if (mark.IsEmpty) return null;
        return copy is null && ReferenceEquals(mark, Mark) ? this : new Box(copy ?? _sets, mark);
    }

    /// <summary>
    /// This box minus another, as at most one disjoint box per dimension: piece i keeps the other box's
    /// values on the dimensions before i and leaves it on dimension i.
    /// </summary>
    public IEnumerable<Box> Subtract(Box other)
    {
        if (!Overlaps(other)) return [this];
        var pieces = new List<Box>(2);
        var current = (IntervalSet[])_sets.Clone();
        for (var i = 0; i < Dimensions.Count; i++)
        {
            var outside = current[i].Subtract(other._sets[i]);
            if (!outside.IsEmpty)
            {
                var piece = (IntervalSet[])current.Clone();
                piece[i] = outside;
                pieces.Add(new Box(piece, Mark));
            }

            current[i] = current[i].Intersect(other._sets[i]);
        }

        var markOutside = Mark.Subtract(other.Mark);
        if (!markOutside.IsEmpty) pieces.Add(new Box(current, markOutside));
        return pieces;
    }

    public bool Contains(ReadOnlySpan<UInt128> point, uint mark)
    {
        for (var i = 0; i < Dimensions.Count; i++)
            if (!_sets[i].Contains(point[i])) return false;
        return Mark.Contains(mark);
    }

    /// <summary>The lowest value of every dimension, and the lowest mark of the first cube.</summary>
    public (UInt128[] Point, uint Mark) Sample() => (_sets.Select(s => s.Min).ToArray(), Mark.Sample);

    public bool Equals(Box? other) =>
        other is not null && _sets.AsSpan().SequenceEqual(other._sets) && Mark.Equals(other.Mark);

    public override bool Equals(object? obj) => Equals(obj as Box);

    // Computed once: the walk looks a box up at every flow it settles and every summary it keys. 0 means not yet.
    private int _hash;

    public override int GetHashCode()
    {
        if (_hash != 0) return _hash;
        // Every dimension: boxes of one flow's many ways differ on a few of them only.
        var hash = new HashCode();
        foreach (var set in _sets) hash.Add(set);
        var value = hash.ToHashCode();
        return _hash = value == 0 ? 1 : value;
    }

    public override string ToString() =>
        string.Join(" ", Dimensions.All.Select(d => $"{d.JsonName()}={this[d]}")) + $" mark={Mark}";
}
