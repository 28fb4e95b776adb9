using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Policy;

/// <summary>
/// <see cref="RegionCut"/> answers what scanning every region did: for a pair's box, the regions
/// holding some of its packets, in order, each with <c>region.Packets.Intersect(pair)</c> box for box.
/// </summary>
public sealed class RegionCutTests
{
    [Fact]
    public void The_index_finds_the_regions_and_boxes_a_scan_of_every_region_finds()
    {
        var space = new PacketSpace(IpFamily.V4, new InterfaceAlphabet(["a", "b", "c", "d"], ["x"]));
        for (var round = 0; round < 200; round++)
        {
            var random = new Random(round);
            var regions = Enumerable.Range(0, random.Next(1, 30))
                .Select(_ => new ReachRegion((ReachVerdict)random.Next(4), new PacketSet([.. Enumerable.Range(0, random.Next(0, 6)).Select(_ => RandomBox(random, space))]), [], []))
                .ToImmutableArray();
            var result = new ReachResult(space, PacketPath.Forward, PacketSet.Empty, regions, new Dictionary<ResponsibleRule, string>());
            var cut = new RegionCut(result);
            for (var query = 0; query < 20; query++)
            {
                var pair = RandomBox(random, space);
                var scanned = regions.Select(r => (Region: r, Packets: r.Packets.Intersect(pair))).Where(x => !x.Packets.IsEmpty).ToList();
                var found = cut.Within(pair).ToList();
                Assert.True(scanned.Count == found.Count, $"round {round}, query {query}");
                foreach (var (s, f) in scanned.Zip(found))
                {
                    Assert.Same(s.Region, f.Region);
                    Assert.True(s.Packets.Boxes.SequenceEqual(f.Packets.Boxes), $"round {round}, query {query}: {s.Packets} / {f.Packets} / pair {pair}");
                }
            }
        }
    }

    private static Box RandomBox(Random random, PacketSpace space) =>
        new([.. Dimensions.All.Select(d => random.Next(3) == 0 ? space.Full(d) : RandomSet(random, d == Dimension.In || d == Dimension.Out ? space.MaxOf(d) : 15))], BitCubeSet.All);

    private static IntervalSet RandomSet(Random random, UInt128 max)
    {
        var first = (UInt128)random.Next((int)max + 1);
        var last = first + (UInt128)random.Next(4);
        return IntervalSet.Range(first, last > max ? max : last).Union(IntervalSet.Single((UInt128)random.Next((int)max + 1)));
    }
}
