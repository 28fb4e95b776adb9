using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>Boxes and packet sets over a tiny space (values 0-3 on every dimension, marks 0-3).</summary>
public sealed class BoxAlgebraTests
{
    [Fact]
    public void Subtracting_a_box_leaves_disjoint_pieces_that_cover_exactly_the_difference()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var round = 0; round < 300; round++)
        {
            var a = RandomBox(random);
            var b = RandomBox(random);
            var pieces = a.Subtract(b).ToList();
            foreach (var (point, mark) in RandomPoints(random, 200))
            {
                var expected = a.Contains(point, mark) && !b.Contains(point, mark);
                var hits = pieces.Count(p => p.Contains(point, mark));
                Assert.True(hits == (expected ? 1 : 0), $"seed {seed} round {round}: {a} minus {b}");
            }
        }
    }

    [Fact]
    public void Packet_set_operations_agree_with_membership()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var a = RandomSet(random);
            var b = RandomSet(random);
            var union = a.Union(b);
            var meet = a.Intersect(b);
            var diff = a.Subtract(b);
            foreach (var (point, mark) in RandomPoints(random, 200))
            {
                var (inA, inB) = (a.Contains(point, mark), b.Contains(point, mark));
                var ctx = $"seed {seed} round {round}";
                Assert.True(union.Contains(point, mark) == (inA || inB), ctx);
                Assert.True(meet.Contains(point, mark) == (inA && inB), ctx);
                Assert.True(diff.Contains(point, mark) == (inA && !inB), ctx);
                Assert.True(union.Boxes.Count(x => x.Contains(point, mark)) <= 1, ctx);
            }
        }
    }

    [Fact]
    public void A_sample_of_a_set_is_a_member_and_an_empty_set_has_none()
    {
        var set = PacketSet.Of(RandomBox(new Random(7)));
        var (point, mark) = set.Sample()!.Value;
        Assert.True(set.Contains(point, mark));
        Assert.Null(set.Subtract(set).Sample());
    }

    [Fact]
    public void The_same_packets_compare_equal_however_they_are_cut()
    {
        var box = RandomBox(new Random(3));
        var cutter = RandomBox(new Random(4));
        var cut = PacketSet.Of(box).Subtract(cutter).Union(PacketSet.Of(box).Intersect(cutter));
        Assert.True(cut.SameAs(PacketSet.Of(box)));
    }

    internal static Box RandomBox(Random random)
    {
        var sets = Enumerable.Range(0, Dimensions.Count).Select(_ => RandomValues(random)).ToArray();
        var mark = BitCubeSet.Of((uint)random.Next(4), (uint)random.Next(4) | ~3u);
        return new Box(sets, mark);
    }

    private static PacketSet RandomSet(Random random) =>
        Enumerable.Range(0, random.Next(1, 4)).Aggregate(PacketSet.Empty, (s, _) => s.Union(PacketSet.Of(RandomBox(random))));

    private static IntervalSet RandomValues(Random random)
    {
        var values = Enumerable.Range(0, 4).Where(_ => random.Next(3) > 0).Select(v => (UInt128)v).ToList();
        return values.Count == 0 ? IntervalSet.Single((UInt128)random.Next(4)) : IntervalSet.FromValues(values);
    }

    private static IEnumerable<(UInt128[] Point, uint Mark)> RandomPoints(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ =>
            (Enumerable.Range(0, Dimensions.Count).Select(_ => (UInt128)random.Next(4)).ToArray(), (uint)random.Next(4)));
}
