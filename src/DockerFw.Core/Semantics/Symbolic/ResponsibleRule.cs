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

/// <summary>An outcome assumed for a rule the dump cannot decide: it matched, or it did not.</summary>
internal sealed record Assumption(ResponsibleRule Rule, bool Matched);
