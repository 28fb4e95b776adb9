using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>The index of boxes finds exactly the boxes a brute-force comparison finds, in both of its ways.</summary>
public sealed class BoxIndexTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void It_finds_every_overlapping_box_and_no_other(bool manySets)
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var round = 0; round < 20; round++)
        {
            // Few distinct sets per dimension (the bitmaps), or ranges all different (the buckets).
            Box Make() => manySets ? WideBox(random) : BoxAlgebraTests.RandomBox(random);
            var boxes = Enumerable.Range(0, random.Next(1, 300)).Select(_ => Make()).ToList();
            var index = new BoxIndex(boxes);
            for (var q = 0; q < 50; q++)
            {
                var probe = q % 2 == 0 ? boxes[random.Next(boxes.Count)] : Make();
                var expected = Enumerable.Range(0, boxes.Count).Where(i => boxes[i].Overlaps(probe)).ToList();
                Assert.True(expected.SequenceEqual(index.Overlapping(probe).Order()), $"seed {seed}, round {round}, probe {probe}");
            }
        }
    }

    private static Box WideBox(Random random)
    {
        IntervalSet Ranges()
        {
            var ranges = Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
            {
                var lo = (UInt128)random.Next(1_000_000);
                return (lo, lo + (UInt128)random.Next(random.Next(2) == 0 ? 100 : 500_000));
            });
            return IntervalSet.FromRanges(ranges);
        }

        return new Box([.. Enumerable.Range(0, Dimensions.Count).Select(_ => Ranges())], BitCubeSet.Of((uint)random.Next(4), (uint)random.Next(4)));
    }
}
