using System.Runtime.ExceptionServices;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Binds the rule lines the first pass found, in batches of <see cref="BindingBatch.Size"/> lines, on
/// this thread and (for a large dump) a second core, and hands the batches back strictly in their order.
/// A line's binding needs only its text, its table's chains declared on earlier lines (none of which changes
/// while it binds) and per-thread buffers; what it changes in the table (the rule's place,
/// its jumps) is left in the batch for the merge. So the model and the diagnostics are those of binding
/// line by line. The second core starts while the first pass still reads: a batch is its once every line
/// of it has been read and no chain line of its block can be added while it binds (<see cref="PublishRules"/>,
/// <see cref="Hold"/>, <see cref="Publish"/>), so a dump is bound as it is read, and the thread's own start is
/// paid meanwhile.
/// </summary>
internal sealed class BindingPass : IDisposable
{
    /// <summary>
    /// From this many characters a second thread binds too (with more than one batch of rule lines: else it would
    /// find nothing to take). Measured on prefixes of the real-world corpus in the native build: 23 KB (2 batches)
    /// the same wall time as on one thread, 57-134 KB (5-10 batches) 10-13% less, for 15-30% more CPU
    /// (docs/performance.md, "Reader on every shape"). It was 1 MB.
    /// </summary>
    internal const int ParallelFrom = 16 << 10;

    // Batches bound and not merged yet, at most: bounds the memory held by results waiting for the merge.
    private const int Window = 16;

    private readonly string text;
    private readonly string fileName;
    private readonly ReadSteps steps;
    private readonly object gate = new();

    // Steps the second core may bind (every one read, its block's chains fixed while it binds), and the batches in all once it
    // has ended (-1 before): both written under the gate, read by the helper under it.
    private int published;
    private int total = -1;
    // Under the gate too: the first pass is adding a chain line to a block whose rule lines were handed over (the
    // helper takes no batch until the block ends), and the helper is binding a batch (the first pass waits for it).
    private bool held;
    private bool helperBinds;
    private readonly BindingBatch[] slots = new BindingBatch[Window];
    private readonly SemaphoreSlim window = new(Window);
    private readonly CancellationTokenSource stop = new();
    private readonly Binding own;
    private readonly Thread? helper;
    private int next;
    private volatile Exception? failure;

    public BindingPass(string text, string fileName, IpFamily family, ReadSteps steps, bool twoCores)
    {
        this.text = text;
        this.fileName = fileName;
        this.steps = steps;
        for (var i = 0; i < Window; i++) slots[i] = new BindingBatch();
        // About one distinct token per 50-150 characters on the benchmark's shapes (docs/performance.md), half of them on each core.
        var capacity = text.Length / (twoCores ? 128 : 64);
        own = new Binding(family, capacity);
        if (twoCores)
        {
            // A thread of its own, not the thread pool's: the pool's start (its gate thread, its queues) is paid by
            // every run that binds on two cores, and the helper runs for the whole read anyway.
            helper = new Thread(() => Help(new Binding(family, capacity))) { IsBackground = true };
            helper.Start();
        }
    }

    /// <summary>
    /// Called by the first pass where it leaves a table block: every step so far may be bound. Wakes the second
    /// core only where a whole batch more is ready.
    /// </summary>
    public void Publish()
    {
        if (helper is null || (!held && steps.Count / BindingBatch.Size == published / BindingBatch.Size)) return;
        lock (gate)
        {
            held = false;
            published = steps.Count;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>
    /// Called by the first pass after a rule line: the rule lines so far may be bound while it reads on, as a block's
    /// chain lines come before its rule lines in what save writes (a chain line later in the block calls
    /// <see cref="Hold"/> first). So a one-table dump is bound from its first batch on, not after the whole first pass.
    /// </summary>
    public void PublishRules()
    {
        if (!held) Publish();
    }

    /// <summary>
    /// Called by the first pass before it adds a chain line to a block whose rule lines it may have handed over: waits
    /// until the helper is not binding, and hands over nothing more until the block ends (<see cref="Publish"/>), so
    /// no binder reads the block's chains while they change. Rare: save writes every chain line first.
    /// </summary>
    public void Hold()
    {
        if (helper is null || held) return;
        lock (gate)
        {
            held = true;
            while (helperBinds) Monitor.Wait(gate);
        }
    }

    /// <summary>Called once the first pass has ended: every step is known.</summary>
    public void Finish()
    {
        lock (gate)
        {
            held = false;
            published = steps.Count;
            total = (steps.Count + BindingBatch.Size - 1) / BindingBatch.Size;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>The bound batches in their order (after <see cref="Finish"/>); a batch is valid until the next one is asked for.</summary>
    public IEnumerable<BindingBatch> Batches()
    {
        for (var k = 0; k < total; k++)
        {
            var slot = slots[k % Window];
            while (!slot.Done.IsSet)
            {
                // This thread binds the next batch nobody took; the one it waits for is then the helper's.
                if (window.Wait(0))
                {
                    var taken = Interlocked.Increment(ref next) - 1;
                    if (taken < total)
                    {
                        Bind(taken, own);
                        continue;
                    }

                    window.Release();
                }

                slot.Done.Wait();
                if (failure is { } failed) ExceptionDispatchInfo.Throw(failed);
            }

            yield return slot;
            slot.Done.Reset();
            window.Release();
        }
    }

    private void Help(Binding binding)
    {
        try
        {
            while (true)
            {
                window.Wait(stop.Token);
                var taken = Interlocked.Increment(ref next) - 1;
                if (!Published(taken)) return;
                try
                {
                    Bind(taken, binding);
                }
                finally
                {
                    lock (gate)
                    {
                        helperBinds = false;
                        Monitor.PulseAll(gate);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The merge stopped early (it failed): nothing more is wanted.
        }
        catch (Exception e)
        {
            failure = e;
            foreach (var slot in slots) slot.Done.Set();
        }
    }

    /// <summary>
    /// Waits until batch <paramref name="index"/> may be bound, and notes that the helper binds it; false when there is
    /// no such batch (or the read stopped).
    /// </summary>
    private bool Published(int index)
    {
        lock (gate)
        {
            while (total < 0 && (held || (index + 1) * BindingBatch.Size > published))
            {
                if (stop.IsCancellationRequested) return false;
                Monitor.Wait(gate);
            }

            helperBinds = total < 0 || index < total;
            return helperBinds;
        }
    }

    private void Bind(int index, Binding binding)
    {
        var batch = slots[index % Window];
        // Whole batches only until the first pass ends (Published), so the count read here is that batch's own.
        batch.Start(index * BindingBatch.Size, Math.Min(BindingBatch.Size, steps.Count - index * BindingBatch.Size));
        binding.View.StartBatch(batch.Notes);
        for (var i = 0; i < batch.Count; i++)
        {
            var step = steps[batch.First + i];
            if (!step.IsCommit) batch.Rules[i] = RuleLine.Bind(text, fileName, step, binding.Session, binding.View.Start(step), batch.Diagnostics);
            batch.Ended(i);
        }

        batch.Done.Set();
    }

    public void Dispose()
    {
        stop.Cancel();
        lock (gate) Monitor.PulseAll(gate);
        // The helper ends by itself once every batch is taken; cancelled, it ends at its next wait.
        helper?.Join();

        window.Dispose();
        stop.Dispose();
        foreach (var slot in slots) slot.Done.Dispose();
    }

    /// <summary>One thread's binder and buffers.</summary>
    private sealed class Binding(IpFamily family, int poolCapacity)
    {
        public ReadSession Session { get; } = new(family, poolCapacity);

        public TableSoFar View { get; } = new();
    }
}
