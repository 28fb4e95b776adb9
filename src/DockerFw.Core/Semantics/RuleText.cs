using DockerFw.Core.Model;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Semantics;

/// <summary>The text a trace shows for a rule: its canonical iptables-save form.</summary>
internal static class RuleText
{
    public static string Of(Rule rule) => IptablesSaveWriter.FormatRule(rule);
}
