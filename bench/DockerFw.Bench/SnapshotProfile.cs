using System.Diagnostics;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Snapshot;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Bench;

/// <summary>`snapshot FILE`: where a snapshot of a dump spends its time (read, canonical order, the whole snapshot).</summary>
internal static class SnapshotProfile
{
    public static int Run(string file)
    {
        var clock = Stopwatch.StartNew();
        var ruleset = IptablesSaveReader.Read(File.ReadAllText(file), file, IpFamily.V4).Value!;
        var read = clock.Elapsed;
        CanonicalOrder.Of(ruleset, line => line);
        var ordered = clock.Elapsed;
        var text = HostSnapshot.Of([ruleset], DockerView.Empty);
        var whole = clock.Elapsed;
        Console.Error.WriteLine(
            $"read {read.TotalMilliseconds:F0} ms, canonical order {(ordered - read).TotalMilliseconds:F0} ms, snapshot {(whole - ordered).TotalMilliseconds:F0} ms " +
            $"({text.Length} chars), CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds:F0} ms");
        return 0;
    }
}
