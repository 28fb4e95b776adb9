using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>The sweep and the merge against plain subtraction and union on random boxes.</summary>
public sealed class CoverSweepTests
{
    [Fact]
    public void The_sweep_cuts_a_box_into_what_the_covers_hold_and_what_they_do_not()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var domain = BoxAlgebraTests.RandomBox(random);
            var covers = Enumerable.Range(0, random.Next(0, 12)).Select(_ => BoxAlgebraTests.RandomBox(random)).ToList();
            var (covered, uncovered) = (new List<Box>(), new List<Box>());
            CoverSweep.Split(domain, covers, covered, uncovered);
            var expectedOut = PacketSet.Of(domain).Subtract(covers);
            var expectedIn = PacketSet.Of(domain).Subtract(expectedOut.Boxes);
            var where = $"seed {seed}, round {round}";
            Assert.True(new PacketSet([.. uncovered]).SameAs(expectedOut), where);
            Assert.True(new PacketSet([.. covered]).SameAs(expectedIn), where);
            var all = covered.Concat(uncovered).ToList();
            for (var i = 0; i < all.Count; i++)
                for (var j = i + 1; j < all.Count; j++)
                    Assert.False(all[i].Overlaps(all[j]), $"{where}: boxes {i} and {j} overlap");
        }
    }

    [Fact]
    public void Pieces_of_one_fate_that_differ_on_one_dimension_come_out_as_one_box()
    {
        // Two hosts' covers on two interfaces: cut on the interface first, each interface's pieces are
        // "from host A" and "not from host A"; the two interfaces' pieces agree on the source and merge.
        var universe = new Box([.. Enumerable.Range(0, Dimensions.Count).Select(_ => IntervalSet.Range(0, 15))], BitCubeSet.All);
        var hostA = IntervalSet.Single(10);
        var onInterface = (int i) => universe.With(Dimension.In, IntervalSet.Single((UInt128)i));
        var covers = new[] { onInterface(1).With(Dimension.Src, hostA), onInterface(2).With(Dimension.Src, hostA) };
        var (covered, uncovered) = (new List<Box>(), new List<Box>());

        CoverSweep.Split(universe, covers, covered, uncovered);

        var both = IntervalSet.Range(1, 2);
        Assert.Equal([universe.With(Dimension.In, both).With(Dimension.Src, hostA)], covered);
        Assert.Equal(2, uncovered.Count);
        Assert.Contains(universe.With(Dimension.In, both).With(Dimension.Src, universe[Dimension.Src].Subtract(hostA)), uncovered);
        Assert.Contains(universe.With(Dimension.In, universe[Dimension.In].Subtract(both)), uncovered);
    }

    [Fact]
    public void Merging_boxes_keeps_their_union()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            // Boxes of few distinct sets, so that many agree on all dimensions but one.
            var pool = Enumerable.Range(0, 3).Select(_ => BoxAlgebraTests.RandomBox(random)).ToList();
            var boxes = Enumerable.Range(0, random.Next(1, 20)).Select(_ =>
            {
                var box = pool[random.Next(pool.Count)];
                var d = (Dimension)random.Next(Dimensions.Count);
                return box.With(d, pool[random.Next(pool.Count)][d]);
            }).ToList();
            var merged = BoxMerge.Merge(boxes);
            var union = (IEnumerable<Box> bs) => bs.Aggregate(PacketSet.Empty, (s, b) => s.Union(PacketSet.Of(b)));
            Assert.True(union(merged).SameAs(union(boxes)), $"seed {seed}, round {round}");
            Assert.True(merged.Count <= boxes.Count, $"seed {seed}, round {round}");
        }
    }
}
