using System.Runtime.ExceptionServices;
using System.Text;
using DockerFw.Core.Model;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Writes the rule lines of one table in order. A large table is cut into chunks of <see cref="ChunkRules"/>
/// rules, formatted by this thread and a second core, each taking the next chunk nobody has taken, and written
/// strictly in their order, so the text is the same as formatting them one after the other.
/// </summary>
/// <remarks>
/// This thread also encodes and writes every chunk, about half as much work again as formatting them: with the even
/// chunks its own and the odd ones the helper's, it did three quarters of the writer's work (callgrind, comments:
/// 55.7 M instructions against the helper's 29.3 M) while the helper waited for a free slot. Taking chunks as they
/// come shares the work as it falls (docs/performance.md, "Reader on every shape").
/// </remarks>
internal static class RuleLines
{
    /// <summary>Below this, a second thread costs more than it saves.</summary>
    internal const int ParallelFrom = 8192;

    // About 30,000 characters a chunk: its builder stays out of the large object heap.
    private const int ChunkRules = 200;

    // Chunks formatted and not written yet, at most: bounds the text held.
    private const int Window = 4;

    public static void Write(StringBuilder text, TextWriter output, Rule[] rules, bool includeCounters, int chunkChars)
    {
        if (rules.Length < ParallelFrom)
        {
            foreach (var rule in rules)
            {
                Append(text, rule, includeCounters);
                if (text.Length >= chunkChars) Flush(text, output);
            }

            return;
        }

        Flush(text, output);
        new Chunks(rules, includeCounters).WriteTo(output);
    }

    /// <summary>One large table's chunks, formatted on two threads and written in order by the caller's.</summary>
    private sealed class Chunks(Rule[] rules, bool includeCounters)
    {
        private readonly int count = (rules.Length + ChunkRules - 1) / ChunkRules;
        private readonly StringBuilder[] texts = [.. Enumerable.Range(0, Window).Select(_ => new StringBuilder())];
        private readonly ManualResetEventSlim[] done = [.. Enumerable.Range(0, Window).Select(_ => new ManualResetEventSlim(false))];
        private readonly SemaphoreSlim window = new(Window);
        private readonly CancellationTokenSource stop = new();
        private int next;
        private volatile Exception? failure;

        public void WriteTo(TextWriter output)
        {
            // A thread of its own, not the thread pool's (BindingPass says why).
            var helper = new Thread(Help) { IsBackground = true };
            helper.Start();
            try
            {
                for (var k = 0; k < count; k++)
                {
                    var slot = k % Window;
                    while (!done[slot].IsSet)
                    {
                        // This thread formats the next chunk nobody took; the one it waits for is then the helper's.
                        if (TryFormatNext()) continue;
                        done[slot].Wait();
                    }

                    if (failure is { } failed) ExceptionDispatchInfo.Throw(failed);
                    Flush(texts[slot], output);
                    done[slot].Reset();
                    window.Release();
                }
            }
            finally
            {
                stop.Cancel();
                helper.Join();
                window.Dispose();
                stop.Dispose();
                foreach (var slot in done) slot.Dispose();
            }
        }

        private void Help()
        {
            try
            {
                while (true)
                {
                    window.Wait(stop.Token);
                    if (!FormatTaken()) return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The writer stopped early (it failed): nothing more is wanted.
            }
            catch (Exception e)
            {
                failure = e;
                foreach (var slot in done) slot.Set();
            }
        }

        // A chunk may be taken while fewer than Window are formatted and not written: its slot is then free.
        private bool TryFormatNext()
        {
            if (!window.Wait(0)) return false;
            if (FormatTaken()) return true;
            window.Release();
            return false;
        }

        /// <summary>Takes the next chunk and formats it into its slot (a place in the window held); false when none is left.</summary>
        private bool FormatTaken()
        {
            var chunk = Interlocked.Increment(ref next) - 1;
            if (chunk >= count) return false;
            Format(rules, chunk, texts[chunk % Window], includeCounters);
            done[chunk % Window].Set();
            return true;
        }
    }

    private static StringBuilder Format(Rule[] rules, int chunk, StringBuilder text, bool includeCounters)
    {
        var end = Math.Min(rules.Length, (chunk + 1) * ChunkRules);
        for (var i = chunk * ChunkRules; i < end; i++) Append(text, rules[i], includeCounters);
        return text;
    }

    private static void Append(StringBuilder text, Rule rule, bool includeCounters)
    {
        RuleFormatter.Append(text, rule, includeCounters);
        text.Append('\n');
    }

    public static void Flush(StringBuilder text, TextWriter output)
    {
        output.Write(text);
        text.Clear();
    }
}
