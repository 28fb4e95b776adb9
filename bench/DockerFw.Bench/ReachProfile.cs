using System.Diagnostics;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Bench;

/// <summary>`reach FILE`: where a whole-FORWARD reach spends its time (read, compile, walk, regions) and how many flows, regions and boxes it makes.</summary>
internal static class ReachProfile
{
    public static int Run(string file)
    {
        var clock = Stopwatch.StartNew();
        var text = File.ReadAllText(file);
        var family = file.Contains("ip6tables", StringComparison.Ordinal) ? IpFamily.V6 : IpFamily.V4;
        var ruleset = IptablesSaveReader.Read(text, file, family).Value!;
        var read = clock.Elapsed;
        var query = new ReachQuery(PacketPath.Forward);
        var compiled = SymbolicRuleset.Compile(ruleset, query.Interfaces);
        var compile = clock.Elapsed;
        var walk = new SymbolicWalk(compiled);
        walk.Run(PacketPath.Forward, query.ToPacketSet(compiled.Space).Boxes.Select(b => new Flow(b, FlowView.Identity, null, null)));
        var walked = clock.Elapsed;
        Console.Error.WriteLine($"walked in {(walked - compile).TotalMilliseconds:F0} ms: {walk.Finals.Count} final flows");
        var regions = RegionBuilder.Build(walk.Finals);
        var built = clock.Elapsed;
        Console.Error.WriteLine(
            $"read {read.TotalMilliseconds:F0} ms, compile {(compile - read).TotalMilliseconds:F0} ms, walk {(walked - compile).TotalMilliseconds:F0} ms, " +
            $"regions {(built - walked).TotalMilliseconds:F0} ms; {ruleset.Rules.Count()} rules, {walk.Finals.Count} final flows, " +
            $"{regions.Length} regions, {regions.Sum(r => r.Packets.Boxes.Length)} boxes, allocated {GC.GetTotalAllocatedBytes() >> 20} MB, " +
            $"CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s, peak {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
        return 0;
    }
}
