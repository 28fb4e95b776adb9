namespace DockerFw.Core.Semantics;

/// <summary>
/// An assumption a possible outcome rests on: the rule whose conditions the engine could not decide
/// (null when the doubt is about the host, e.g. br_netfilter), why, and which way this branch took it.
/// </summary>
public sealed record Doubt(RuleRef? Rule, string Reason, bool AssumedMatch)
{
    public override string ToString() =>
        $"{(AssumedMatch ? "assumed to match" : "assumed not to match")}: {Reason}{(Rule is null ? "" : $" ({Rule.Table}/{Rule.Chain}#{Rule.Number}, line {Rule.Line})")}";
}
