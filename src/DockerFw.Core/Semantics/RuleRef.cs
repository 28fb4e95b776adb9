using DockerFw.Core.Model;

namespace DockerFw.Core.Semantics;

/// <summary>
/// A rule as a trace names it: table, chain, 1-based number in the chain, line in the dump and its
/// text, so a reader can find it in the file and in <c>iptables -L -v --line-numbers</c>. An nft
/// rule's table is <c>"family table"</c> (<c>ip docker-bridges</c>) and it carries nft's handle, which
/// <c>nft -a list ruleset</c> shows.
/// </summary>
public sealed record RuleRef(string Table, string Chain, int Number, int Line, string Text)
{
    /// <summary>nft's handle of the rule; null for an iptables rule.</summary>
    public long? Handle { get; init; }

    public static RuleRef Of(string table, Rule rule) =>
        new(table, rule.Chain, rule.Number, rule.Span.Line, RuleText.Of(rule)) { Handle = rule.Handle };

    public override string ToString() => $"{Table}/{Chain}#{Number} (line {Line}{(Handle is { } h ? $", handle {h}" : "")}): {Text}";
}
