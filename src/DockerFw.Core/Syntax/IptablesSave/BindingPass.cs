using System.Runtime.ExceptionServices;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Binds the rule lines the first pass found, in batches of <see cref="BindingBatch.Size"/> lines, on
/// this thread and (for a large dump) a second core, and hands the batches back strictly in their order.
/// A line's binding needs only its text, its table's chains declared on earlier lines (all read by
/// then) and per-thread buffers; what it changes in the table (the rule's place, its jumps) is left
/// in the batch for the merge. So the model and the diagnostics are those of binding line by line.
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
    private readonly IReadOnlyList<ReadStep> steps;
    private readonly int total;
    private readonly BindingBatch[] slots = new BindingBatch[Window];
    private readonly SemaphoreSlim window = new(Window);
    private readonly CancellationTokenSource stop = new();
    private readonly Binding own;
    private readonly Thread? helper;
    private int next;
    private volatile Exception? failure;

    public BindingPass(string text, string fileName, IpFamily family, IReadOnlyList<ReadStep> steps, bool twoCores)
    {
        this.text = text;
        this.fileName = fileName;
        this.steps = steps;
        total = (steps.Count + BindingBatch.Size - 1) / BindingBatch.Size;
        for (var i = 0; i < Window; i++) slots[i] = new BindingBatch();
        // About one distinct token per 50-150 characters on the benchmark's shapes (docs/performance.md), half of them on each core.
        var capacity = text.Length / (twoCores ? 128 : 64);
        own = new Binding(family, capacity);
        if (twoCores && total > 1)
        {
            // A thread of its own, not the thread pool's: the pool's start (its gate thread, its queues) is paid by
            // every run that binds on two cores, and the helper runs for the whole read anyway.
            helper = new Thread(() => Help(new Binding(family, capacity))) { IsBackground = true };
            helper.Start();
        }
    }

    /// <summary>The bound batches in their order; a batch is valid until the next one is asked for.</summary>
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
                if (taken >= total) return;
                Bind(taken, binding);
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

    private void Bind(int index, Binding binding)
    {
        var batch = slots[index % Window];
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
