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

    private static (IntervalSet, HashSet<int>) RandomSet(Random random)
    {
        var values = Enumerable.Range(0, 40).Where(_ => random.Next(3) == 0).ToHashSet();
        return (IntervalSet.FromValues(values.Select(v => (UInt128)v)), values);
    }

    private static HashSet<int> Values(IntervalSet set) =>
        set.Ranges.SelectMany(r => Enumerable.Range((int)r.First, (int)(r.Last - r.First) + 1)).ToHashSet();
}
