using System.Diagnostics.Tracing;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Bench.Shapes;

/// <summary>
/// What `fmt` allocates, by type: the runtime's allocation ticks (one event per ~100 KB allocated,
/// naming the type of the object that crossed the mark) while a dump is read and written to nowhere.
/// The sample is rough for rare types but exact enough for the few that make most of the bytes
/// (docs/performance.md, "Reader on every shape").
/// </summary>
internal static class AllocationProfile
{
    public static int Run(string file, int top)
    {
        var text = File.ReadAllText(file);
        using var listener = new TickListener();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = IptablesSaveReader.Read(text, file);
        var read = GC.GetTotalAllocatedBytes(precise: true) - before;
        IptablesSaveWriter.Write(result.Value!, TextWriter.Null, includeCounters: true);
        var total = GC.GetTotalAllocatedBytes(precise: true) - before;
        listener.Dispose();
        Console.WriteLine($"{file}: read allocated {read >> 20} MB, read+write {total >> 20} MB");
        foreach (var (type, bytes) in listener.ByType.OrderByDescending(p => p.Value).Take(top))
            Console.WriteLine($"{bytes / (1 << 20),8:F1} MB  {type}");
        return 0;
    }

    private sealed class TickListener : EventListener
    {
        public Dictionary<string, double> ByType { get; } = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            // GC keyword (1), verbose level: AllocationTick.
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)1);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
            var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
            var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToDouble(e.Payload[a]) : 100_000;
            lock (ByType) ByType[type] = ByType.GetValueOrDefault(type) + amount;
        }
    }
}
