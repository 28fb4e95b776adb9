using System.Collections.Concurrent;
using System.Text;
using DockerFw.Core.Model;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Writes the rule lines of one table in order. A large table is cut into chunks of
/// <see cref="ChunkRules"/> rules: this thread formats the even chunks while a second core formats
/// the odd ones, and the chunks are written strictly in their order, so the text is the same as
/// formatting them one after the other.
/// </summary>
internal static class RuleLines
{
    /// <summary>Below this, a second thread costs more than it saves.</summary>
    internal const int ParallelFrom = 8192;

    // About 30,000 characters a chunk: its builder stays out of the large object heap.
    private const int ChunkRules = 200;

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
        var chunks = (rules.Length + ChunkRules - 1) / ChunkRules;
        using var stop = new CancellationTokenSource();
        using var odd = new BlockingCollection<StringBuilder>(boundedCapacity: 2);
        var spare = new ConcurrentQueue<StringBuilder>();
        var helper = Task.Run(() =>
        {
            try
            {
                for (var c = 1; c < chunks; c += 2)
                    odd.Add(Format(rules, c, spare.TryDequeue(out var reused) ? reused : new StringBuilder(), includeCounters), stop.Token);
            }
            finally
            {
                odd.CompleteAdding();
            }
        });
        try
        {
            for (var c = 0; c < chunks; c++)
            {
                if (c % 2 == 0)
                {
                    Flush(Format(rules, c, text, includeCounters), output);
                    continue;
                }

                // The helper ended early only if it failed: its exception is the one to see.
                if (!odd.TryTake(out var formatted, Timeout.Infinite)) break;
                Flush(formatted, output);
                spare.Enqueue(formatted);
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                helper.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Only reached when this thread failed first; its exception is already on its way.
            }
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
