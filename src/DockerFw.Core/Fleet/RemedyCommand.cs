using DockerFw.Core.Model;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// The command a fleet remedy suggests to let packets through that a rule drops. A packet must pass
/// both iptables back ends and every nft table on its hook, so an ACCEPT helps only in the table that
/// drops it (oracle F65: the remedy said <c>iptables -I</c> where the drop was iptables-legacy's): in the
/// default back end, Docker's chain for the admin (DOCKER-USER, or INPUT/OUTPUT); in the other back end,
/// the deciding chain itself, as it has no Docker chains; in a native nft table, its chain by
/// <c>nft insert rule</c>. Each inserts first in its chain, before the drop.
/// </summary>
/// <param name="Iptables">The rule's matches in iptables' words (<c>-i under0 -s 10.1.0.0/24</c>).</param>
/// <param name="Nft">The same in nft's words (<c>iifname "under0" ip saddr 10.1.0.0/24</c>).</param>
public sealed record RemedyCommand(string Iptables, string Nft)
{
    public string Accept(ResponsibleRule? decidedBy, string chain) => decidedBy switch
    {
        { Table: var table } when Table.NamesOtherBackend(table) => $"{table.Split(' ')[0]} -I {decidedBy.Chain} {Iptables} -j ACCEPT",
        { Table: var table } when Table.NamesNative(table) => $"nft insert rule {table} {decidedBy.Chain} {Nft} accept",
        _ => $"iptables -I {chain} {Iptables} -j ACCEPT",
    };
}
