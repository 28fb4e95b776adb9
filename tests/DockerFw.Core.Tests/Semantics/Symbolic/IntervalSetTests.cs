using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Semantics.Symbolic;

public sealed class IntervalSetTests
{
    private static IntervalSet Set(params (int Lo, int Hi)[] ranges) =>
        IntervalSet.FromRanges(ranges.Select(r => ((UInt128)r.Lo, (UInt128)r.Hi)));

    [Fact]
    public void Overlapping_and_adjacent_ranges_merge_into_one() =>
        Assert.Equal("{1-9}", Set((5, 9), (1, 3), (4, 4)).ToString());

    [Fact]
    public void Intersection_keeps_only_common_values() =>
        Assert.Equal("{3-4,8}", Set((1, 4), (8, 10)).Intersect(Set((3, 8))).ToString());

    [Fact]
    public void Subtraction_can_split_an_interval_in_three() =>
        Assert.Equal("{0-1,5,9-10}", Set((0, 10)).Subtract(Set((2, 4), (6, 8))).ToString());

    [Fact]
    public void Complement_is_taken_within_the_dimension() =>
        Assert.Equal("{0-79,81-65535}", Set((80, 80)).Complement(65535).ToString());

    [Fact]
    public void The_whole_IPv6_space_subtracts_and_merges_without_overflow()
    {
        var all = IntervalSet.Range(0, UInt128.MaxValue);
        var top = IntervalSet.Single(UInt128.MaxValue);
        var rest = all.Subtract(top);
        Assert.False(rest.Contains(UInt128.MaxValue));
        Assert.Equal(all, rest.Union(top));
        Assert.Equal(UInt128.MaxValue, all.Cardinality);
    }

    [Fact]
    public void Operations_agree_with_plain_sets_on_random_inputs()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var round = 0; round < 2000; round++)
        {
            var (a, sa) = RandomSet(random);
            var (b, sb) = RandomSet(random);
            var ctx = $"seed {seed} round {round}: {a} {b}";
            Assert.True(Values(a.Intersect(b)).SetEquals(sa.Intersect(sb)), ctx);
            Assert.True(Values(a.Union(b)).SetEquals(sa.Union(sb)), ctx);
            Assert.True(Values(a.Subtract(b)).SetEquals(sa.Except(sb)), ctx);
            Assert.Equal(sa.Overlaps(sb), a.Overlaps(b));
            Assert.Equal(sa.IsSubsetOf(sb), a.IsSubsetOf(b));
        }
    }

    [Fact]
    public void Wide_sets_met_by_narrow_ones_agree_with_plain_sets()
    {
        // A set of hundreds of ranges against one of a few within some stretch of it: the operations
        // look only at the wide set's ranges in the narrow one's span (binary search), edges included.
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var round = 0; round < 1000; round++)
        {
            var (a, sa) = RandomSet(random, 0, 600, random.Next(2, 5));
            var from = random.Next(-20, 600);
            var (b, sb) = RandomSet(random, from, random.Next(1, 60), random.Next(1, 4));
            var ctx = $"seed {seed} round {round}: {a} {b}";
            foreach (var (x, sx, y, sy) in new[] { (a, sa, b, sb), (b, sb, a, sa) })
            {
                Assert.True(Values(x.Intersect(y)).SetEquals(sx.Intersect(sy)), ctx);
                Assert.True(Values(x.Subtract(y)).SetEquals(sx.Except(sy)), ctx);
                Assert.True(Values(x.Union(y)).SetEquals(sx.Union(sy)), ctx);
                Assert.True(sx.Overlaps(sy) == x.Overlaps(y), ctx);
                Assert.True(sx.IsSubsetOf(sy) == x.IsSubsetOf(y), ctx);
            }
        }
    }

    private static (IntervalSet, HashSet<int>) RandomSet(Random random) => RandomSet(random, 0, 40, 3);

    /// <summary>Values in [from, from + count), each taken with probability 1/<paramref name="sparseness"/> (none below 0).</summary>
    private static (IntervalSet, HashSet<int>) RandomSet(Random random, int from, int count, int sparseness)
    {
        var values = Enumerable.Range(from, count).Where(v => v >= 0 && random.Next(sparseness) == 0).ToHashSet();
        return (IntervalSet.FromValues(values.Select(v => (UInt128)v)), values);
    }

    private static HashSet<int> Values(IntervalSet set) =>
        set.Ranges.SelectMany(r => Enumerable.Range((int)r.First, (int)(r.Last - r.First) + 1)).ToHashSet();
}
