using System.Diagnostics;
using DockerFw.Cli;
using DockerFw.Cli.Composition;
using DockerFw.Cli.Fleet;
using DockerFw.Cli.Input;
using DockerFw.Core.Fleet;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Bench.Fleet;

/// <summary>
/// `fleet` on a directory of bundles, timed by phase in CPU time: the pass (each bundle read, its summary kept
/// and its legs walked over every address its peers could give them), the plan, the hosts read again (those
/// whose plan's legs the first walks do not cover), the cells judged as the compact text report is written.
/// What `dockerfw fleet DIR` does (FleetAuditor.Run), with the clock read between the steps.
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
        var reading = TimeSpan.Zero;
        var read = bundles.Select(b =>
        {
            var start = clock.Elapsed;
            var host = loader.Load(b.Name, b.Path, Console.Error, report: true);
            reading += clock.Elapsed - start;
            var summary = host.Summary();
            return (Summary: summary, Walks: WideLegs.Judge(host, summary));
        }).ToList();
        var pass1 = clock.Elapsed;
        var plan = new FleetPlan([.. read.Select(r => r.Summary)]);
        var planned = clock.Elapsed;
        var legs = new Dictionary<string, LegAnswers>();
        var again = 0;
        for (var i = 0; i < bundles.Count; i++)
        {
            var (summary, walks) = read[i];
            if (HostLegs.Requests(plan, summary.Name).All(walks.Covers)) legs[summary.Name] = walks;
            else
            {
                again++;
                legs[summary.Name] = HostLegs.Judge(loader.Load(bundles[i].Name, bundles[i].Path, Console.Error, report: false), plan);
            }
        }

        var pass2 = clock.Elapsed;
        // The report as dockerfw fleet writes it by default: the cells judged as the compact text is written.
        var report = FleetAuditor.Report(plan, legs, mergeFindings: true);
        var text = new CountingWriter();
        FleetText.Write(report, text);
        var written = clock.Elapsed;
        Console.Error.WriteLine(
            $"{bundles.Count} hosts, {plan.Routed.Length} routed networks, {legs.Count} hosts' walks, {report.Findings.Length} findings, {text.Characters >> 10} KB of text\n" +
            $"pass {pass1.TotalSeconds:F2} s (reading {reading.TotalSeconds:F2} s), plan {(planned - pass1).TotalSeconds:F2} s, legs covered or read again ({again} hosts) {(pass2 - planned).TotalSeconds:F2} s, " +
            $"cells judged and the compact text written {(written - pass2).TotalSeconds:F2} s; " +
            $"GC heap peak {GC.GetGCMemoryInfo().HeapSizeBytes >> 20} MB, allocated {GC.GetTotalAllocatedBytes() >> 20} MB");
        return 0;
    }

    private sealed class CountingWriter : TextWriter
    {
        public long Characters { get; private set; }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value) => Characters++;

        public override void Write(string? value) => Characters += value?.Length ?? 0;
    }

    private sealed class CpuClock
    {
        private readonly TimeSpan _start = Process.GetCurrentProcess().TotalProcessorTime;

        public TimeSpan Elapsed => Process.GetCurrentProcess().TotalProcessorTime - _start;
    }
}
