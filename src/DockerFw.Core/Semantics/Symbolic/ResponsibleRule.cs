using DockerFw.Core.Model;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>A rule as reach names it: table, chain, 1-based number in the chain, line in the dump.</summary>
public sealed record ResponsibleRule(string Table, string Chain, int Number, int Line)
{
    public static ResponsibleRule Of(string table, Rule rule) => new(table, rule.Chain, rule.Number, rule.Span.Line);

    public override string ToString() => $"{Table}/{Chain}#{Number} (line {Line})";
}

/// <summary>The rules a flow has met so far, newest first; shared by the flows a split makes.</summary>
internal sealed class Trail(ResponsibleRule head, Trail? tail)
{
    public ResponsibleRule Head { get; } = head;

    public Trail? Tail { get; } = tail;

    public static IEnumerable<ResponsibleRule> OldestFirst(Trail? trail)
    {
        var list = new List<ResponsibleRule>();
        for (var t = trail; t is not null; t = t.Tail) list.Add(t.Head);
        list.Reverse();
        return list;
    }
}
