using System.Diagnostics;
using DockerFw.Cli;
using DockerFw.Cli.Composition;
using DockerFw.Cli.Fleet;
using DockerFw.Cli.Input;
using DockerFw.Core.Fleet;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Bench.Fleet;

/// <summary>
/// `fleet` on a directory of bundles, timed by phase in CPU time: the first pass (each bundle read, its summary
/// kept), the plan, the second pass (each bundle read again, its legs judged), the cells, the text
/// report. What `dockerfw fleet DIR` does, with the clock read between the steps.
/// </summary>
internal static class FleetProfile
{
    public static int Run(string directory)
    {
        var streams = new StandardStreams(TextReader.Null, TextWriter.Null, Console.Error);
        using var provider = new ServiceCollection().AddDockerFwCli(streams).BuildServiceProvider();
        var loader = new BundleHostLoader(provider.GetRequiredService<HostLoader>());
        var bundles = FleetBundles.Expand([directory]);
        // CPU time, not wall time: on a shared machine the wall clock measures the neighbours.
        var clock = new CpuClock();
        var summaries = bundles.Select(b => loader.Load(b.Name, b.Path, Console.Error, report: true).Summary()).ToList();
        var pass1 = clock.Elapsed;
        var plan = new FleetPlan(summaries);
        var planned = clock.Elapsed;
        var legs = new Dictionary<string, LegAnswers>();
        var reading = TimeSpan.Zero;
        foreach (var b in bundles)
        {
            var start = clock.Elapsed;
            var host = loader.Load(b.Name, b.Path, Console.Error, report: false);
            reading += clock.Elapsed - start;
            legs[b.Name] = HostLegs.Judge(host, plan);
        }

        var pass2 = clock.Elapsed;
        var cells = plan.Cells.Select(c => CellJudge.Judge(c, HostLegs.Of(c, legs))).Count();
        var judged = clock.Elapsed;
        var report = FleetAuditor.Run([.. bundles.Select(b => (Func<FleetHost>)(() => loader.Load(b.Name, b.Path, Console.Error, report: false)))]);
        var whole = clock.Elapsed - judged;
        var text = new StringWriter();
        FleetText.Write(report, text);
        var written = clock.Elapsed - judged - whole;
        Console.Error.WriteLine(
            $"{bundles.Count} hosts, {plan.Routed.Length} routed networks, {plan.Cells.Length} cells ({cells} judged), {legs.Count} hosts' walks, {report.Findings.Length} findings, {text.GetStringBuilder().Length >> 10} KB of text\n" +
            $"pass 1 {pass1.TotalSeconds:F2} s, plan {(planned - pass1).TotalSeconds:F2} s, pass 2 {(pass2 - planned).TotalSeconds:F2} s (reading {reading.TotalSeconds:F2} s), " +
            $"cells {(judged - pass2).TotalSeconds:F2} s; FleetAuditor.Run again whole {whole.TotalSeconds:F2} s, text {written.TotalSeconds:F2} s; " +
            $"GC heap peak {GC.GetGCMemoryInfo().HeapSizeBytes >> 20} MB, allocated {GC.GetTotalAllocatedBytes() >> 20} MB");
        return 0;
    }

    private sealed class CpuClock
    {
        private readonly TimeSpan _start = Process.GetCurrentProcess().TotalProcessorTime;

        public TimeSpan Elapsed => Process.GetCurrentProcess().TotalProcessorTime - _start;
    }
}
