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
        Console.Error.WriteLine(
            $"read {read}, compile {compile}, walk {walked}, regions {built}; {ruleset.Rules.Count()} rules, {walk.Finals.Count} final flows, " +
            $"{regions.Length} regions, {regions.Sum(r => r.Packets.Boxes.Length)} boxes, allocated {GC.GetTotalAllocatedBytes() >> 20} MB, " +
            $"CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s, peak {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
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

    /// <summary>Wall and CPU time since the last lap.</summary>
    private sealed class PhaseClock
    {
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private TimeSpan _lastWall;
        private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;

        public string Lap()
        {
            var (wall, cpu) = (_wall.Elapsed, Process.GetCurrentProcess().TotalProcessorTime);
            var lap = $"{(wall - _lastWall).TotalMilliseconds:F0} ms ({(cpu - _lastCpu).TotalMilliseconds:F0} ms CPU)";
            (_lastWall, _lastCpu) = (wall, cpu);
            return lap;
        }
    }
}
