using System.Diagnostics;
using System.Diagnostics.Tracing;
using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Bench;

/// <summary>
/// `audit FILE [DOCKER-JSON]`: where an audit of a dump spends its CPU time, phase by phase (read, view,
/// compile, the per-network facts, the matrix, ports, each check, the report), each phase asked
/// separately in the order the audit asks it, with the memory allocated so far. With DFW_ALLOC=1 it
/// also lists what the outbound-NAT walks allocate, by type (the runtime's allocation ticks, one per
/// ~100 KB: rough for rare types, close for the few that make most of the bytes).
/// </summary>
internal static class AuditProfile
{
    public static int Run(string file, string? docker)
    {
        var clock = new CpuClock();
        var last = TimeSpan.Zero;
        void Mark(string phase)
        {
            var now = clock.Elapsed;
            Console.Error.WriteLine($"{phase,-28} {(now - last).TotalMilliseconds,8:F0} ms   allocated {GC.GetTotalAllocatedBytes() >> 20,6} MB");
            last = now;
        }

        var ruleset = IptablesSaveReader.Read(File.ReadAllText(file), file).Value!;
        var view = docker is null ? DockerView.Empty : DockerInspectReader.Read(File.ReadAllText(docker), docker).Value!;
        Mark("read");
        var context = new AuditContext(ruleset, new Ruleset(Core.Model.Values.IpFamily.V6, []), view, HostSettings.Unknown) { Ipv6Read = false };
        var analysis = context.Analysis();
        var inputs = analysis.Inputs;
        Mark($"inputs ({inputs.Networks.Length} networks)");
        var passes = analysis.Passes;
        Mark("compile (rules)");
        var facts = new List<NetworkFacts>();
        // Each part of the sweep, summed over the networks: CPU time and bytes allocated.
        string[] parts = ["walks From(a)", "icc", "outbound NAT", "NAT on own bridge", "network facts again", "pairs", "links"];
        var cpu = new TimeSpan[parts.Length];
        var bytes = new long[parts.Length];
        var count = 0;
        using var ticks = Environment.GetEnvironmentVariable("DFW_ALLOC") == "1" ? new TickListener() : null;
        foreach (var a in inputs.Networks)
        {
            var part = 0;
            var (t, b) = (clock.Elapsed, GC.GetAllocatedBytesForCurrentThread());
            void Next()
            {
                var (now, allocated) = (clock.Elapsed, GC.GetAllocatedBytesForCurrentThread());
                cpu[part] += now - t;
                bytes[part] += allocated - b;
                (t, b, part) = (now, allocated, part + 1);
            }

            var walked = passes.From(a);
            Next();
            // The three facts of NetworkFacts.Probe one by one, each the first time it is asked.
            _ = IccFacts.Judge(a, walked, passes, inputs);
            Next();
            if (ticks is not null) ticks.On = true;
            _ = OutboundNat.Of(a, inputs, passes.NatOfContainers);
            if (ticks is not null) ticks.On = false;
            Next();
            _ = OutboundNat.OnOwnBridge(a, inputs, passes.NatOfContainers);
            Next();
            facts.Add(NetworkFacts.Probe(a, inputs, passes, walked));
            Next();
            // As the audit's sweep asks them: only the bridges the walk finds something open to.
            foreach (var other in inputs.NetworksOn(walked.Open().Distinct()))
                if (other != a) { PairReach.Of(a, other, passes, inputs); count++; }
            Next();
            _ = LinkFacts.Find(inputs, passes, facts[^1]).ToList();
            Next();
        }

        for (var i = 0; i < parts.Length; i++)
            Console.Error.WriteLine($"  {(i == 5 ? $"pairs ({count})" : parts[i]),-26} {cpu[i].TotalMilliseconds,8:F0} ms   allocated {bytes[i] >> 20,6} MB");
        if (ticks is not null)
            foreach (var (type, amount) in ticks.ByType.OrderByDescending(p => p.Value).Take(20))
                Console.Error.WriteLine($"    outbound NAT allocates {amount / (1 << 20),8:F1} MB  {type}");
        last = clock.Elapsed;
        _ = analysis.Networks;
        Mark("sweep (as the audit runs it)");
        _ = analysis.Ports;
        Mark("ports");
        foreach (var check in Core.Audit.Checks.Checks.All)
        {
            _ = check.Run(context).ToList();
            Mark($"check {check.Name}");
        }

        var admin = AdminRuleFacts.Of(inputs, passes.Rules, native: true);
        Mark($"admin rule facts again ({admin.Facts.Length} facts, {admin.Doubts.Length} doubts)");
        var report = Auditor.Run(context);
        Mark($"Auditor.Run ({report.Reachability.Length} pairs)");
        Console.Error.WriteLine($"total {clock.Elapsed.TotalMilliseconds:F0} ms, GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MB");
        return 0;
    }

    /// <summary>The process's CPU time (user and system, every thread): on a shared machine, wall time is mostly waiting.</summary>
    private sealed class CpuClock
    {
        private readonly TimeSpan _start = Process.GetCurrentProcess().TotalProcessorTime;

        public TimeSpan Elapsed => Process.GetCurrentProcess().TotalProcessorTime - _start;
    }

    /// <summary>Allocation ticks by type while <see cref="On"/>.</summary>
    private sealed class TickListener : EventListener
    {
        public volatile bool On;

        public Dictionary<string, double> ByType { get; } = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            // GC keyword (1), verbose level: AllocationTick.
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)1);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (!On || e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
            var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
            var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToDouble(e.Payload[a]) : 100_000;
            lock (ByType) ByType[type] = ByType.GetValueOrDefault(type) + amount;
        }
    }
}
