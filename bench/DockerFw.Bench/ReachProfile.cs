using System.Diagnostics;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Bench;

/// <summary>
/// `reach FILE`: where a whole-FORWARD reach spends its time (read, compile, walk, regions) and how
/// many flows, regions and boxes it makes. Each phase gives its wall and CPU time: on a machine shared
/// by many processes the wall time is mostly waiting for a core. With DFW_REACH_COMPARE=1 it also
/// walks without settling owned flows (the old builder) and compares the two answers region by region:
/// the same packets for each verdict, rules and doubts, however the boxes are cut. With DFW_REACH_WAYS=1 it
/// lists the doubtful final flows that kept their way (no earlier flow owns them), by their first doubt.
/// With DFW_REACH_SWEPT=1 it builds the regions again with the swept pieces not merged and compares them.
/// The last phase is reach's text (the command's default answer), with its length and a hash to compare
/// builds by; each phase gives the collections it set off (gen0/gen1/gen2): the collector's full
/// collections over the live regions were a third of a TUM reach.
/// </summary>
internal static class ReachProfile
{
    public static int Run(string file)
    {
        var clock = new PhaseClock();
        var text = File.ReadAllText(file);
        var family = file.Contains("ip6tables", StringComparison.Ordinal) ? IpFamily.V6 : IpFamily.V4;
        var ruleset = IptablesSaveReader.Read(text, file, family).Value!;
        var read = clock.Lap();
        var query = new ReachQuery(PacketPath.Forward);
        var compiled = SymbolicRuleset.Compile(ruleset, query.Interfaces);
        var compile = clock.Lap();
        var walk = new SymbolicWalk(compiled);
        walk.Run(PacketPath.Forward, query.ToPacketSet(compiled.Space).Boxes.Select(b => new Flow(b, FlowView.Identity, null, null)));
        var walked = clock.Lap();
        Console.Error.WriteLine($"walked in {walked}: {walk.Finals.Count} final flows");
        foreach (var g in walk.Finals.GroupBy(f => f.Verdict))
            Console.Error.WriteLine($"  {g.Key}: {g.Count()} final flows, {g.Count(f => f.Flow.Doubts is not null)} doubtful, " +
                                    $"{g.Count(f => f.Flow.Owned)} owned, {g.Select(f => f.Flow.Box).Distinct().Count()} distinct boxes");
        // Which ways keep their trail: doubtful final flows no earlier flow owns, by their first doubt.
        if (Environment.GetEnvironmentVariable("DFW_REACH_WAYS") == "1")
            foreach (var g in walk.Finals.Where(f => !f.Flow.Owned && f.Flow.Doubts is not null)
                         .GroupBy(f => $"{f.Verdict}, first doubt {Trail<Assumption>.OldestFirst(f.Flow.Doubts, 1)[0]}, {Trail<Assumption>.Distinct(f.Flow.Doubts).Count} doubts")
                         .OrderByDescending(g => g.Count()).Take(15))
                Console.Error.WriteLine($"    {g.Count()}: {g.Key}");
        var regions = RegionBuilder.Build(walk.Finals);
        var built = clock.Lap();
        var result = new ReachResult(compiled.Space, PacketPath.Forward, query.ToPacketSet(compiled.Space), regions, compiled.Doubts);
        var (chars, hash) = (0L, new HashCode());
        foreach (var paragraph in DockerFw.Cli.Commands.ReachText.Paragraphs(result))
        {
            chars += paragraph.Length;
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(paragraph.AsSpan()));
        }

        var written = clock.Lap();
        Console.Error.WriteLine($"text {written}: {chars} characters, hash {hash.ToHashCode():x8}");
        Console.Error.WriteLine(
            $"read {read}, compile {compile}, walk {walked}, regions {built}, text {written}; {ruleset.Rules.Count()} rules, {walk.Finals.Count} final flows, " +
            $"{regions.Length} regions, {regions.Sum(r => r.Packets.Boxes.Length)} boxes, allocated {GC.GetTotalAllocatedBytes() >> 20} MB, " +
            $"CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s, peak {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
        if (Environment.GetEnvironmentVariable("DFW_REACH_SWEPT") == "1")
        {
            // The same final flows with the swept pieces as cut, not merged: the same packets in every region.
            var cut = RegionBuilder.Build(walk.Finals, mergeSwept: false);
            var differ = SweptDifferences(cut, regions);
            Console.Error.WriteLine($"pieces as cut {clock.Lap()}: {cut.Length} regions, {cut.Sum(r => r.Packets.Boxes.Length)} boxes; " +
                                    $"{(differ.Count == 0 ? "same packets in every region" : $"{differ.Count} regions differ")}");
            foreach (var line in differ.Take(10)) Console.Error.WriteLine($"  {line}");
            if (differ.Count > 0) return 1;
        }

        if (Environment.GetEnvironmentVariable("DFW_REACH_COMPARE") != "1") return 0;
        var old = new SymbolicWalk(compiled, settleOwned: false);
        old.Run(PacketPath.Forward, query.ToPacketSet(compiled.Space).Boxes.Select(b => new Flow(b, FlowView.Identity, null, null)));
        var before = RegionBuilder.Build(old.Finals);
        var differing = ReachComparison.Differences(before, regions);
        Console.Error.WriteLine($"old builder {clock.Lap()}: {old.Finals.Count} final flows, {before.Length} regions, " +
                                $"{before.Sum(r => r.Packets.Boxes.Length)} boxes; {(differing.Count == 0 ? "same packets in every region" : $"{differing.Count} regions differ")}");
        foreach (var line in differing.Take(10)) Console.Error.WriteLine($"  {line}");
        return differing.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// <see cref="ReachComparison.Differences"/> by sweeping instead of subtracting (its subtractions of
    /// 100,000 boxes take minutes): each box of one answer's way is cut by the other answer's boxes of that
    /// way that overlap it (<see cref="BoxIndex"/>), as cut (no merging), and must leave nothing uncovered.
    /// </summary>
    private static List<string> SweptDifferences(System.Collections.Immutable.ImmutableArray<ReachRegion> expected, System.Collections.Immutable.ImmutableArray<ReachRegion> actual)
    {
        static Dictionary<string, List<Box>> ByWay(System.Collections.Immutable.ImmutableArray<ReachRegion> regions)
        {
            var ways = new Dictionary<string, List<Box>>();
            foreach (var r in regions)
            {
                var key = $"{r.Verdict} via {string.Join(", ", r.Rules)} (+{r.RulesOmitted}) doubting {string.Join(", ", r.Doubts)}";
                if (!ways.TryGetValue(key, out var boxes)) ways[key] = boxes = [];
                boxes.AddRange(r.Packets.Boxes);
            }

            return ways;
        }

        static bool Within(List<Box> inner, List<Box> outer)
        {
            var index = new BoxIndex(outer);
            var (covered, uncovered) = (new List<Box>(), new List<Box>());
            foreach (var box in inner)
            {
                CoverSweep.Split(box, [.. index.Overlapping(box).Select(i => outer[i])], covered, uncovered, merge: false);
                if (uncovered.Count > 0) return false;
                covered.Clear();
            }

            return true;
        }

        var (a, b) = (ByWay(expected), ByWay(actual));
        var lines = new List<string>();
        foreach (var key in a.Keys.Union(b.Keys))
        {
            var (x, y) = (a.GetValueOrDefault(key) ?? [], b.GetValueOrDefault(key) ?? []);
            if (!Within(x, y) || !Within(y, x)) lines.Add($"{key}: {x.Count} boxes before, {y.Count} after");
        }

        return lines;
    }

    /// <summary>Wall and CPU time since the last lap, and the collections of each generation.</summary>
    private sealed class PhaseClock
    {
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private TimeSpan _lastWall;
        private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
        private (int, int, int) _lastCollections = Collections();

        public string Lap()
        {
            var (wall, cpu, collections) = (_wall.Elapsed, Process.GetCurrentProcess().TotalProcessorTime, Collections());
            var lap = $"{(wall - _lastWall).TotalMilliseconds:F0} ms ({(cpu - _lastCpu).TotalMilliseconds:F0} ms CPU, " +
                      $"collections {collections.Item1 - _lastCollections.Item1}/{collections.Item2 - _lastCollections.Item2}/{collections.Item3 - _lastCollections.Item3})";
            (_lastWall, _lastCpu, _lastCollections) = (wall, cpu, collections);
            return lap;
        }

        private static (int, int, int) Collections() => (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }
}
