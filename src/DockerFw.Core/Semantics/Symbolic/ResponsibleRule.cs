using DockerFw.Core.Model;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A rule as reach names it: table, chain, 1-based number in the chain, line in the dump; an nft
/// rule's table is <c>"family table"</c> and it carries nft's handle.
/// </summary>
public sealed record ResponsibleRule(string Table, string Chain, int Number, int Line)
{
    /// <summary>nft's handle of the rule; null for an iptables rule.</summary>
    public long? Handle { get; init; }

    public static ResponsibleRule Of(string table, Rule rule) => new(table, rule.Chain, rule.Number, rule.Span.Line) { Handle = rule.Handle };

    public override string ToString() => $"{Table}/{Chain}#{Number} (line {Line}{(Handle is { } h ? $", handle {h}" : "")})";
}

/// <summary>A persistent list, newest first: the rules a flow has met, or the assumptions it made.</summary>
internal sealed class Trail<T>(T head, Trail<T>? tail)
{
    public T Head { get; } = head;

    public Trail<T>? Tail { get; } = tail;

    public static List<T> OldestFirst(Trail<T>? trail)
    {
        var list = new List<T>();
        for (var t = trail; t is not null; t = t.Tail) list.Add(t.Head);
        list.Reverse();
        return list;
    }

    public static Trail<T>? Of(IEnumerable<T> oldestFirst) =>
        oldestFirst.Aggregate((Trail<T>?)null, (tail, head) => new Trail<T>(head, tail));
}

/// <summary>An outcome assumed for a rule the dump cannot decide: it matched, or it did not.</summary>
internal sealed record Assumption(ResponsibleRule Rule, bool Matched);
