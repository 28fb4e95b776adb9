using DockerFw.Core.Model;

namespace DockerFw.Core.Semantics;

/// <summary>The text a trace shows for a rule.</summary>
internal static class RuleText
{
    public static string Of(Rule rule) => rule.SourceText ?? $"-A {rule.Chain} (rule {rule.Number})";
}
