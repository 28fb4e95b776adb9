using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Policy.Judging;

/// <summary>
/// The regions of one container's walk cut down to one pair: for each region in order, its packets
/// inside the pair's box, regions left out where none are. A walk to every other container has a
/// region or box per destination, so cutting it for each of N pairs by scanning every region cost
/// N^3 box intersections (200 bridges: 27 s of the plan's 29); an index of the boxes finds the few
/// that meet the pair. Same packets, same boxes in the same order as <c>region.Packets.Intersect(pair)</c>.
/// </summary>
internal sealed class RegionCut
{
    private readonly ReachResult _result;
    private readonly List<(int Region, Box Box)> _boxes = [];
    private readonly BoxIndex _index;

    public RegionCut(ReachResult result)
    {
        _result = result;
        for (var r = 0; r < result.Regions.Length; r++)
            foreach (var box in result.Regions[r].Packets.Boxes)
                _boxes.Add((r, box));
        _index = new BoxIndex([.. _boxes.Select(b => b.Box)]);
    }

    public ReachResult Result => _result;

    /// <summary>Each region holding some packet of <paramref name="pair"/>, with those packets, in the regions' order.</summary>
    public IEnumerable<(ReachRegion Region, PacketSet Packets)> Within(Box pair)
    {
        var near = _index.Overlapping(pair);
        near.Sort();
        var i = 0;
        while (i < near.Count)
        {
            var region = _boxes[near[i]].Region;
            var common = new List<Box>();
            for (; i < near.Count && _boxes[near[i]].Region == region; i++)
                if (_boxes[near[i]].Box.Intersect(pair) is { } box) common.Add(box);
            if (common.Count > 0) yield return (_result.Regions[region], new PacketSet([.. common]));
        }
    }
}
