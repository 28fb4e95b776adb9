using System.Runtime;

namespace DockerFw.Cli.Input;

/// <summary>
/// Asks the garbage collector to stay idle while a large dump is read and written back. Nearly
/// everything allocated then is the model, which lives to the end of the process, so a collection
/// frees next to nothing; yet once the model is promoted, the next allocation set off a full
/// blocking collection that marked every object of it: about 0.6 s of the 1 s `fmt` spent on a
/// 100,000-rule dump (docs/performance.md).
/// </summary>
/// <remarks>
/// The pause is a budget, not a promise: if the command allocates more than asked for, the runtime
/// ends the pause by itself and collects as usual, so a wrong guess costs speed, never memory safety.
/// </remarks>
internal sealed class CollectionPause : IDisposable
{
    /// <summary>
    /// From this much input the dump's bytes are worth a full collection before the pause; below it
    /// the pause's budget is that of this much input. A small dump is paused too: the runtime's first
    /// gen0 budget is small, and one compacting collection in the middle of the read of the 2,313
    /// rules of the real-world corpus was a tenth of its CPU (docs/performance.md).
    /// </summary>
    internal const long From = 1 << 20;

    // More than the start-up's objects and a small dump's text: not a fresh process.
    private const long FreshHeap = 16 << 20;

    // fmt of the kube-proxy dump allocates about 18.5 bytes per input byte (278 MB for 15 MB).
    private const long BytesPerInputByte = 24;

    private readonly bool started;

    private CollectionPause(bool started) => this.started = started;

    /// <summary>Pauses collection for a command about to read <paramref name="inputBytes"/> of dumps.</summary>
    public static CollectionPause ForInput(long inputBytes)
    {
        // Starting a pause collects the whole heap once: for a small dump that is worth it only in a
        // fresh process, whose heap holds next to nothing yet, not in a long-lived one (the tests').
        if (inputBytes < From && GC.GetTotalMemory(forceFullCollection: false) > FreshHeap) return new CollectionPause(false);
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var budget = Math.Min(Math.Max(inputBytes, From) * BytesPerInputByte, available / 4);
        // The dump's bytes, already decoded, are garbage in the large object heap, which only a full
        // collection frees; now, before the model exists, it has next to nothing to mark (a few ms),
        // and the memory goes to what the read allocates instead of staying to the end.
        if (inputBytes >= From) GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        try
        {
            // Never a full collection to make room: that is the cost this avoids.
            return new CollectionPause(GC.TryStartNoGCRegion(budget, disallowFullBlockingGC: true));
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // More than this runtime can set aside at once, or a pause already running in this
            // process (commands run side by side in tests): read with the collector as usual.
            return new CollectionPause(false);
        }
    }

    public void Dispose()
    {
        // The runtime has already ended the pause if the budget ran out.
        if (!started || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // Ended by the runtime between the check and here: nothing left to end.
        }
    }
}
