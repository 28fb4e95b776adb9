using DockerFw.Core.Model;

namespace DockerFw.Core.Semantics;

/// <summary>
/// A rule as a trace names it: table, chain, 1-based number in the chain, line in the dump and its
/// text, so a reader can find it in the file and in <c>iptables -L -v --line-numbers</c>.
/// </summary>
public sealed record RuleRef(string Table, string Chain, int Number, int Line, string Text)
{
    public static RuleRef Of(string table, Rule rule) =>
        new(table, rule.Chain, rule.Number, rule.Span.Line, RuleText.Of(rule));

    public override string ToString() => $"{Table}/{Chain}#{Number} (line {Line}): {Text}";
}
