using System.Collections.Immutable;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A set of packets as a union of pairwise disjoint <see cref="Box"/>es. Disjointness is kept by
/// every operation, so the boxes of a set can be counted, rendered and sampled independently.
/// </summary>
public sealed record PacketSet(ImmutableArray<Box> Boxes)
{
    public static PacketSet Empty { get; } = new(ImmutableArray<Box>.Empty);

    public static PacketSet Of(Box box) => box.IsEmpty ? Empty : new([box]);

    public bool IsEmpty => Boxes.IsEmpty;

    public PacketSet Intersect(PacketSet other)
    {
        var result = ImmutableArray.CreateBuilder<Box>();
        foreach (var a in Boxes)
            foreach (var b in other.Boxes)
                if (a.Intersect(b) is { } common) result.Add(common);
        return new(result.ToImmutable());
    }

    public PacketSet Intersect(Box box) => Intersect(Of(box));

    public PacketSet Subtract(PacketSet other) => Subtract(other.Boxes);

    /// <summary>This set minus every box given; the boxes may overlap each other.</summary>
    public PacketSet Subtract(IReadOnlyList<Box> boxes)
    {
        if (boxes.Count == 0 || IsEmpty) return this;
        List<Box>? rest = null;
        foreach (var b in boxes)
        {
            var current = (IReadOnlyList<Box>?)rest ?? Boxes;
            var touched = false;
            foreach (var a in current)
            {
                if (!a.Overlaps(b)) continue;
                touched = true;
                break;
            }

            if (!touched) continue;
            var next = new List<Box>(current.Count + 2);
            foreach (var a in current)
            {
                if (a.Overlaps(b)) next.AddRange(a.Subtract(b));
                else next.Add(a);
            }

            rest = next;
            if (rest.Count == 0) return Empty;
        }

        return rest is null ? this : new([.. rest]);
    }

    public PacketSet Subtract(Box box) => Subtract(Of(box));

    public PacketSet Union(PacketSet other) =>
        IsEmpty ? other : new(Boxes.AddRange(other.Subtract(this).Boxes));

    public bool Contains(ReadOnlySpan<UInt128> point, uint mark)
    {
        foreach (var b in Boxes)
            if (b.Contains(point, mark)) return true;
        return false;
    }

    /// <summary>Same packets, whatever the boxes: each side minus the other is empty.</summary>
    public bool SameAs(PacketSet other) => Subtract(other).IsEmpty && other.Subtract(this).IsEmpty;

    /// <summary>One packet of the set (the lowest corner of its first box), or null when empty.</summary>
    public (UInt128[] Point, uint Mark)? Sample() => IsEmpty ? null : Boxes[0].Sample();

    public override string ToString() => IsEmpty ? "{}" : string.Join(" | ", Boxes);
}
