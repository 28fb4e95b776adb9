using DockerFw.Core.Model;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// One base chain on a hook: an iptables table's built-in chain or an nft base chain, with the
/// priority that orders it among the others. <see cref="Table"/> is null for an iptables table the
/// ruleset lacks (its nat stage still applies conntrack bindings).
/// </summary>
internal sealed record HookStage(CompiledTable? Table, CompiledChain? Chain, bool IsNat, int Priority, bool Native = false)
{
    /// <summary>iptables registers nat at -100 where it rewrites the destination and at 100 where the source.</summary>
    public static int PriorityOf(string iptablesTable, Hook hook) =>
        iptablesTable == "nat" ? (hook.IsDestinationNatPoint() ? -100 : 100) : BaseChain.PriorityOfIptablesTable(iptablesTable) ?? 0;
}
