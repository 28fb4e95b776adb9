using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Host;

/// <summary>
/// The other iptables back end as the kernel runs it beside this one. iptables-legacy's tables
/// (x_tables) and iptables-nft's (nf_tables chains) each register their own hooks at iptables'
/// priorities (raw -300, mangle -150, nat -100 and 100, filter 0, security 50), so a packet meets
/// both, and is forwarded only when both let it through: one ruleset of the family holds them, the
/// other back end's built-in chains hooked like nft base chains. On a tie of priority the kernel runs
/// the hook registered last first, which a dump does not show; the filter's verdict does not depend
/// on it (a packet must pass both), only which back end's drop is named and, when both NAT one
/// connection, which NAT wins: this back end's tables are placed first.
/// NAT stays one per connection: the nat core runs the nat chains of a hook in turn until one binds.
/// </summary>
public static class OtherBackendTables
{
    /// <summary><paramref name="ruleset"/> with <paramref name="other"/>'s tables hooked in (of the same family).</summary>
    public static Ruleset Merge(Ruleset ruleset, Ruleset other) =>
        ruleset with { Tables = [.. ruleset.Tables, .. Hooked(other)] };

    /// <summary>The tables of a dump of the other back end, as tables hooked beside this back end's.</summary>
    public static IEnumerable<Table> Hooked(Ruleset other)
    {
        var backend = BackendOf(other);
        // A repeated *table block replaces the earlier one, as restore does.
        foreach (var table in other.Tables.Where(t => !t.IsNative && ReferenceEquals(other[t.Name], t)))
        {
            var builtIn = Table.BuiltInChainsOf(table.Name);
            yield return table with
            {
                IsNative = true,
                Family = other.Family == IpFamily.V6 ? "ip6" : "ip",
                OtherBackend = backend,
                Chains = [.. table.Chains.Select(c => builtIn.Contains(c.Name) ? c with { Base = BaseOf(table.Name, c.Name) } : c)],
            };
        }
    }

    /// <summary>
    /// The back end of a dump of the other one: its header says so, or iptables-nft-save's warning
    /// that legacy tables are present; iptables-legacy-save otherwise (the usual other one).
    /// </summary>
    public static Backend BackendOf(Ruleset other) =>
        other.Backend == Backend.Nft || (other.Backend == Backend.Unknown && other.LegacyTablesPresent) ? Backend.Nft : Backend.Legacy;

    /// <summary>The save tool's stem of a back end for a family: <c>iptables-legacy</c>, <c>ip6tables-nft</c>.</summary>
    public static string ToolOf(Backend backend, IpFamily family) =>
        $"{(family == IpFamily.V6 ? "ip6tables" : "iptables")}-{(backend == Backend.Nft ? "nft" : "legacy")}";

    private static BaseChain BaseOf(string table, string chain)
    {
        var priority = table == "nat"
            ? chain is "INPUT" or "POSTROUTING" ? 100 : -100
            : BaseChain.PriorityOfIptablesTable(table) ?? 0;
        return new BaseChain(table == "nat" ? "nat" : "filter", chain.ToLowerInvariant(), priority);
    }
}
