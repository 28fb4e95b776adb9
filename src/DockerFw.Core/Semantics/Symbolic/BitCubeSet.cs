using System.Numerics;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>One ternary pattern over 32 bits: the bits in <see cref="Mask"/> are fixed to <see cref="Value"/>, the others free.</summary>
public readonly record struct BitCube(uint Value, uint Mask)
{
    public bool Contains(uint x) => (x & Mask) == Value;

    public bool Overlaps(BitCube other) => ((Value ^ other.Value) & Mask & other.Mask) == 0;

    /// <summary>An interval when the free bits are all below the fixed ones.</summary>
    public bool IsInterval => BitOperations.PopCount(~Mask + 1) <= 1;

    public override string ToString() => $"0x{Value:x}/0x{Mask:x}";
}

/// <summary>
/// The mark dimension: a union of disjoint <see cref="BitCube"/>s. Marks are tested as
/// <c>(mark &amp; M) == V</c> and rewritten as <c>(mark &amp; ~M) ^ V</c>; both keep a cube a cube, while an
/// interval list would explode into thousands of pieces for a single bit test (0x4000/0x4000).
/// </summary>
public sealed class BitCubeSet : IEquatable<BitCubeSet>
{
    private readonly BitCube[] _cubes;

    private BitCubeSet(BitCube[] cubes) => _cubes = cubes;

    public static BitCubeSet Empty { get; } = new([]);

    public static BitCubeSet All { get; } = new([new BitCube(0, 0)]);

    public static BitCubeSet Of(uint value, uint mask) => new([new BitCube(value & mask, mask)]);

    public static BitCubeSet Single(uint value) => Of(value, uint.MaxValue);

    public IReadOnlyList<BitCube> Cubes => _cubes;

    public bool IsEmpty => _cubes.Length == 0;

    public bool IsAll => _cubes.Length == 1 && _cubes[0].Mask == 0;

    /// <summary>The lowest member of the first cube; the set must not be empty.</summary>
    public uint Sample => _cubes[0].Value;

    public bool Contains(uint x) => _cubes.Any(c => c.Contains(x));

    public bool Overlaps(BitCubeSet other)
    {
        foreach (var a in _cubes)
            foreach (var b in other._cubes)
                if (a.Overlaps(b)) return true;
        return false;
    }

    public BitCubeSet Intersect(BitCubeSet other)
    {
        if (ReferenceEquals(this, other) || other.IsAll) return this;
        if (IsAll) return other;
        var result = new List<BitCube>();
        foreach (var a in _cubes)
            foreach (var b in other._cubes)
                if (a.Overlaps(b)) result.Add(new BitCube(a.Value | b.Value, a.Mask | b.Mask));
        return Make(result);
    }

    public BitCubeSet Subtract(BitCubeSet other)
    {
        if (other.IsEmpty || !Overlaps(other)) return this;
        IEnumerable<BitCube> current = _cubes;
        foreach (var b in other._cubes) current = current.SelectMany(a => Minus(a, b)).ToList();
        return Make(current.ToList());
    }

    public BitCubeSet Union(BitCubeSet other) =>
        IsEmpty ? other : Make(_cubes.Concat(other.Subtract(this)._cubes).ToList());

    public BitCubeSet Complement() => All.Subtract(this);

    /// <summary>The marks <c>(m &amp; ~mask) ^ value</c> for every m in this set (MARK --set-xmark).</summary>
    public BitCubeSet Rewrite(uint value, uint mask)
    {
        var images = _cubes.Select(c => new BitCube(((c.Value & ~mask) ^ value) & (c.Mask | mask), c.Mask | mask));
        // Images of disjoint cubes may overlap (the rewrite forgets bits): rebuild disjointly.
        return images.Aggregate(Empty, (acc, c) => acc.Union(new BitCubeSet([c])));
    }

    /// <summary>The m with <c>(m &amp; keep) ^ flip</c> in this set: the preimage under a composed rewrite.</summary>
    public BitCubeSet Preimage(uint keep, uint flip)
    {
        var result = new List<BitCube>();
        foreach (var c in _cubes)
        {
            // Bits the rewrite forces must already agree with the cube; free ones pass through flipped.
            var forced = c.Mask & ~keep;
            if (((flip ^ c.Value) & forced) != 0) continue;
            var passed = c.Mask & keep;
            result.Add(new BitCube((c.Value ^ flip) & passed, passed));
        }

        // Preimages of disjoint cubes under a function are disjoint.
        return Make(result);
    }

    private static IEnumerable<BitCube> Minus(BitCube a, BitCube b)
    {
        if (!a.Overlaps(b)) return [a];
        var pieces = new List<BitCube>();
        var value = a.Value;
        var mask = a.Mask;
        var split = b.Mask & ~a.Mask;
        while (split != 0)
        {
            var bit = split & (~split + 1);
            split &= ~bit;
            pieces.Add(new BitCube((value & ~bit) | (~b.Value & bit), mask | bit));
            value = (value & ~bit) | (b.Value & bit);
            mask |= bit;
        }

        return pieces;
    }

    private static BitCubeSet Make(List<BitCube> cubes) => cubes.Count == 0 ? Empty : new(cubes.ToArray());

    public bool Equals(BitCubeSet? other) =>
        other is not null && (ReferenceEquals(this, other) || (Subtract(other).IsEmpty && other.Subtract(this).IsEmpty));

    public override bool Equals(object? obj) => Equals(obj as BitCubeSet);

    public override int GetHashCode() => _cubes.Length;

    public override string ToString() => "{" + string.Join(",", _cubes) + "}";
}
