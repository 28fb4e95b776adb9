using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The lines of a dump, in order. A large dump is cut into lines and its rule lines are tokenized on
/// a second core, a chunk of lines ahead of the binder, which only ever sees the lines one by one in
/// their order; so the model and the diagnostics are the same as reading on one thread.
/// </summary>
internal sealed class DumpLines : IDisposable
{
    /// <summary>Below this many characters a second thread costs more than it saves.</summary>
    internal const int ParallelFrom = 1 << 20;

    private const int ChunkLines = 128;

    private readonly string text;
    private readonly BlockingCollection<Chunk>? ready;
    private readonly ConcurrentQueue<Chunk> spare = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task? producer;
    private Chunk? current;
    private int index;
    private int next;

    public DumpLines(string text, int parallelFrom = ParallelFrom)
    {
        this.text = text;
        if (text.Length < parallelFrom || Environment.ProcessorCount < 2) return;
        ready = new BlockingCollection<Chunk>(boundedCapacity: 16);
        producer = Task.Run(Produce);
    }

    private string? line;

    /// <summary>The whole input; the current line is <see cref="LineStart"/> up to <see cref="LineEnd"/>.</summary>
    public string Text => text;

    public int LineStart { get; private set; }

    /// <summary>Where the current line ends, before its line feed.</summary>
    public int LineEnd { get; private set; }

    /// <summary>The current line as a string of its own, cut only when asked for: rule lines never are.</summary>
    public string Line => line ??= text[LineStart..LineEnd];

    public ReadOnlySpan<char> LineSpan => text.AsSpan(LineStart, LineEnd - LineStart);

    public bool HadLineFeed { get; private set; }

    /// <summary>Moves to the next line; false at the end of the text.</summary>
    public bool MoveNext()
    {
        line = null;
        if (ready is null)
        {
            if (next >= text.Length) return false;
            LineStart = next;
            (LineEnd, HadLineFeed, next) = Cut(text, next);
            return true;
        }

        if (current is not null && ++index < current.Count) return Show();
        if (current is not null) spare.Enqueue(current);
        current = null;
        if (!ready.TryTake(out var taken, Timeout.Infinite))
        {
            // The producer ended: at the end of the text, or because it failed.
            producer!.GetAwaiter().GetResult();
            return false;
        }

        current = taken;
        index = 0;
        return Show();
    }

    /// <summary>The arguments of the current line if the producer tokenized it (from <paramref name="start"/>).</summary>
    public bool TryTokens(int start, List<Token> tokens)
    {
        if (current is null || current.TokenStarts[index] != start) return false;
        tokens.Clear();
        tokens.AddRange(CollectionsMarshal.AsSpan(current.Tokens)[current.TokenFrom[index]..current.TokenFrom[index + 1]]);
        return true;
    }

    public void Dispose()
    {
        if (producer is null) return;
        stop.Cancel();
        try
        {
            producer.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Reading stopped early (a CR LF dump); the rest of the lines are not wanted.
        }

        ready!.Dispose();
        stop.Dispose();
    }

    private bool Show()
    {
        LineStart = current!.Starts[index];
        LineEnd = current.Ends[index];
        HadLineFeed = current.LineFeeds[index];
        return true;
    }

    private void Produce()
    {
        try
        {
            // About one distinct token per 50-150 characters on the benchmark's shapes (docs/performance.md).
            var pool = new StringPool(text.Length / 64);
            var scratch = new List<Token>(32);
            var at = 0;
            while (at < text.Length)
            {
                var chunk = spare.TryDequeue(out var reused) ? reused : new Chunk();
                chunk.Tokens.Clear();
                chunk.Count = 0;
                while (chunk.Count < ChunkLines && at < text.Length)
                {
                    var i = chunk.Count++;
                    chunk.Starts[i] = at;
                    (chunk.Ends[i], chunk.LineFeeds[i], at) = Cut(text, at);
                    chunk.TokenFrom[i] = chunk.Tokens.Count;
                    chunk.TokenStarts[i] = RuleStart(text.AsSpan(chunk.Starts[i], chunk.Ends[i] - chunk.Starts[i]));
                    if (chunk.TokenStarts[i] >= 0)
                    {
                        var tokens = RuleTokenizer.Tokenize(text, chunk.Starts[i], chunk.Starts[i] + chunk.TokenStarts[i], chunk.Ends[i], chunk.LineFeeds[i], pool, scratch);
                        chunk.Tokens.AddRange(CollectionsMarshal.AsSpan(tokens));
                    }
                    chunk.TokenFrom[i + 1] = chunk.Tokens.Count;
                }

                ready!.Add(chunk, stop.Token);
            }
        }
        finally
        {
            ready!.CompleteAdding();
        }
    }

    /// <summary>
    /// Where the arguments of a line that may be a rule start (after a <c>[p:b]</c> prefix), or -1
    /// for lines the reader never tokenizes: blank, comment, table, chain, COMMIT, CR LF, no <c>]</c>.
    /// </summary>
    private static int RuleStart(ReadOnlySpan<char> line)
    {
        if (line.Length == 0 || line[^1] == '\r' || line[0] is '#' or '*' or ':') return -1;
        if (line.TrimEnd(" \t") is "COMMIT") return -1;
        if (line[0] != '[') return 0;
        var close = line.IndexOf(']');
        if (close < 0) return -1;
        var start = close + 1;
        while (start < line.Length && line[start] is ' ' or '\t') start++;
        return start;
    }

    private static (int End, bool HadLineFeed, int Next) Cut(string text, int start)
    {
        var end = text.IndexOf('\n', start);
        return end >= 0 ? (end, true, end + 1) : (text.Length, false, text.Length);
    }

    private sealed class Chunk
    {
        public readonly int[] Starts = new int[ChunkLines];
        public readonly int[] Ends = new int[ChunkLines];
        public readonly bool[] LineFeeds = new bool[ChunkLines];
        public readonly int[] TokenStarts = new int[ChunkLines];
        public readonly int[] TokenFrom = new int[ChunkLines + 1];
        public readonly List<Token> Tokens = new(ChunkLines * 24);
        public int Count;
    }
}
