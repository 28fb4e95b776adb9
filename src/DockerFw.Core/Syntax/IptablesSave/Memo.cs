using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Sprache;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Remembers what a grammar (or a model parser) made of a value. Dumps repeat the same few ports and counters thousands
/// of times, and a Sprache parse allocates per character; the cache is bounded so that a dump of
/// distinct values cannot grow it without limit.
/// </summary>
internal sealed class Memo<T>(Memo<T>.Parser parse)
{
    public delegate bool Parser(string text, [MaybeNullWhen(false)] out T value);

    public Memo(Parser<T> grammar)
        : this((string text, [MaybeNullWhen(false)] out T value) => grammar.TryParse(text, out value))
    {
    }

    private const int Capacity = 8192;

    private readonly ConcurrentDictionary<string, (bool Ok, T? Value)> seen = new(StringComparer.Ordinal);

    // ConcurrentDictionary.Count takes every lock; on a dump of distinct addresses it ran on every miss.
    private int count;

    public bool TryParse(string text, out T value)
    {
        if (!seen.TryGetValue(text, out var entry))
        {
            var ok = parse(text, out var parsed);
            entry = (ok, parsed);
            if (Volatile.Read(ref count) < Capacity && seen.TryAdd(text, entry)) Interlocked.Increment(ref count);
        }

        value = entry.Value!;
        return entry.Ok;
    }
}
