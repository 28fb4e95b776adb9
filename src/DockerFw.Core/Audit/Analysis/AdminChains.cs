using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Semantics;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The filter chains packets meet per path: iptables' filter INPUT, FORWARD and OUTPUT, the native
/// nft base chains of type filter on those hooks, and the chains they jump to. A native chain is
/// keyed by <c>"family table"</c>, as the engine names it.
/// </summary>
internal static class AdminChains
{
    public static List<(PacketPath Path, (string Table, string Chain) Chain)> Bases(Ruleset ruleset, bool native)
    {
        var bases = new List<(PacketPath, (string, string))>();
        if (ruleset["filter"] is { } filter)
            foreach (var (hook, path) in Hooks)
                if (filter[hook] is not null) bases.Add((path, ("filter", hook)));
        if (!native) return bases;
        foreach (var table in ruleset.NativeTables.Where(t => Seen(t, ruleset.Family)))
            foreach (var chain in table.Chains.Where(c => c.Base is { Type: "filter" }))
                if (Hooks.FirstOrDefault(h => h.Hook.Equals(chain.Base!.Hook, StringComparison.OrdinalIgnoreCase)) is { Hook: not null } h)
                    bases.Add((h.Path, (Key(table), chain.Name)));
        return bases;
    }

    private static readonly (string Hook, PacketPath Path)[] Hooks =
        [("FORWARD", PacketPath.Forward), ("INPUT", PacketPath.Input), ("OUTPUT", PacketPath.Output)];

    private static bool Seen(Table table, Model.Values.IpFamily family) =>
        table.Family switch { "inet" => true, "ip" => family == Model.Values.IpFamily.V4, "ip6" => family == Model.Values.IpFamily.V6, _ => false };

    public static string Key(Table table) => table.QualifiedName;

    public static Table? TableOf(Ruleset ruleset, string key) =>
        ruleset.TableNamed(key);

    public static Chain? Chain(Ruleset ruleset, string table, string chain) => TableOf(ruleset, table)?[chain];

    /// <summary>The chains reached from these by jumps and gotos, themselves included.</summary>
    public static HashSet<(string Table, string Chain)> Reachable(Ruleset ruleset, IEnumerable<(string Table, string Chain)> from)
    {
        var seen = from.ToHashSet();
        var work = new Stack<(string Table, string Chain)>(seen);
        while (work.TryPop(out var at))
            foreach (var jump in Chain(ruleset, at.Table, at.Chain)?.Rules.Select(r => r.Target).OfType<JumpTarget>() ?? [])
                if (seen.Add((at.Table, jump.Chain))) work.Push((at.Table, jump.Chain));
        return seen;
    }

    /// <summary>Chains Docker writes (all its DOCKER* chains but DOCKER-USER, and its native tables), and dockerfw's own.</summary>
    public static bool Dockers((string Table, string Chain) chain) =>
        chain.Table.Contains(' ') && !chain.Table.Contains("tables-", StringComparison.Ordinal) ? chain.Table.Split(' ')[1].StartsWith("docker", StringComparison.Ordinal)
        : Docker.RuleShape.IsDockerChain(chain.Chain);
}
