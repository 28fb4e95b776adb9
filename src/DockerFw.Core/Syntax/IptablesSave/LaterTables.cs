using System.Runtime.ExceptionServices;
using System.Text;
using DockerFw.Core.Model;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The text of a ruleset's later tables, written on a thread of its own while the caller writes the earlier ones:
/// a dump of many small tables (the real-world corpus: 2,313 rules in about 150 blocks) has no table large enough
/// for <see cref="RuleLines"/>' two cores, yet formatting its rules was a seventh of `fmt` of it, all on one core
/// (docs/performance.md, "Reader on every shape"). The caller puts the text after its own, so the output is the same.
/// </summary>
internal sealed class LaterTables
{
    /// <summary>From this many rules in all a second thread writes half of them (a thread's start is paid back from about here).</summary>
    internal const int ParallelFrom = 1024;

    // Up to this many rules the later half is held whole (about 0.5 MB of text): beyond it a dump is streamed in chunks.
    private const int HeldUpTo = 2 * RuleLines.ParallelFrom;

    private readonly StringBuilder text = new();
    private readonly Thread thread;
    private Exception? failure;

    private LaterTables(Action<StringBuilder> write)
    {
        // A thread of its own, not the thread pool's (BindingPass says why).
        thread = new Thread(() =>
        {
            try
            {
                write(text);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true };
        thread.Start();
    }

    /// <summary>
    /// The index of the first table to write on a second core, the rules before it about half of all (Tables.Length: none);
    /// only where every table is below <see cref="RuleLines.ParallelFrom"/> and the whole is held in memory cheaply.
    /// </summary>
    public static int SplitOf(Ruleset ruleset, int parallelFrom = ParallelFrom)
    {
        var tables = ruleset.Tables;
        if (tables.Length < 2 || Environment.ProcessorCount < 2) return tables.Length;
        var counts = new int[tables.Length];
        var total = 0;
        for (var t = 0; t < tables.Length; t++)
        {
            foreach (var chain in tables[t].Chains) counts[t] += chain.Rules.Length;
            if (counts[t] >= RuleLines.ParallelFrom) return tables.Length;
            total += counts[t];
        }

        if (total < parallelFrom || total > HeldUpTo) return tables.Length;
        var before = 0;
        for (var t = 0; t < tables.Length; t++)
        {
            if (before + counts[t] / 2 >= total / 2) return t == 0 ? 1 : t;
            before += counts[t];
        }

        return tables.Length;
    }

    /// <summary>Starts <paramref name="write"/> on a second thread.</summary>
    public static LaterTables Start(Action<StringBuilder> write) => new(write);

    /// <summary>Waits for the text; the thread's exception, if it failed, is thrown here.</summary>
    public StringBuilder Text()
    {
        thread.Join();
        if (failure is { } failed) ExceptionDispatchInfo.Throw(failed);
        return text;
    }
}
