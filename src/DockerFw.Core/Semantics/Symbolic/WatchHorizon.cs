namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// How far a path's walk must follow packets to learn which of some rules they reach. When one base
/// chain of the path alone leads to those rules, nothing after its last rule that does (the rule
/// itself, or a jump or goto to a chain that leads there) can change what reaches them: the walk may
/// end there, and every packet past it may be dropped at once instead of split by the rest of the
/// chain and by the later hooks. On a Docker host whose admin rules sit in DOCKER-USER, FORWARD's
/// first rule is that horizon, and Docker's per-bridge rules after it (which grow as the square of
/// the bridges over the whole space) are never walked.
/// </summary>
internal static class WatchHorizon
{
    /// <summary>The rules to walk for <paramref name="asked"/> on <paramref name="path"/>: ended at the horizon, or all of them when it is not one chain's.</summary>
    public static SymbolicRuleset Of(SymbolicRuleset rules, PacketPath path, Func<ResponsibleRule, bool> asked)
    {
        var leads = new Dictionary<(string Table, string Chain), bool>();
        var bases = BaseChains(rules, path).Where(b => Leads(rules, b, asked, leads, [])).ToList();
        if (bases.Count != 1 || rules.Chain(bases[0].Table, bases[0].Chain) is not { } chain) return rules;
        var last = Array.FindLastIndex(chain.Rules, r => Leads(rules, r, asked, leads, [(chain.Table, chain.Name)]));
        return last + 1 == chain.Rules.Length && chain.Policy == Model.Targets.Verdict.Drop ? rules : rules.EndedAfter(chain.Table, chain.Name, last);
    }

    // iptables' tables and the nft base chains on the path's hooks (their order does not matter: only one may lead).
    private static IEnumerable<(string Table, string Chain)> BaseChains(SymbolicRuleset rules, PacketPath path)
    {
        var stages = SymbolicWalk.Stages(path);
        var hooks = stages.Select(s => s.Hook.ToLowerInvariant()).ToHashSet();
        return stages.SelectMany(s => s.Tables.Select(t => (t, s.Hook)))
            .Concat(rules.NativeBaseChains.Where(c => hooks.Contains(c.Base.Hook)).Select(c => (c.Table, c.Chain)));
    }

    private static bool Leads(SymbolicRuleset rules, (string Table, string Chain) at, Func<ResponsibleRule, bool> asked,
        Dictionary<(string, string), bool> leads, HashSet<(string, string)> visiting)
    {
        if (leads.TryGetValue(at, out var known)) return known;
        if (rules.Chain(at.Table, at.Chain) is not { } chain || !visiting.Add(at)) return false;
        var result = chain.Rules.Any(r => Leads(rules, r, asked, leads, visiting));
        visiting.Remove(at);
        return leads[at] = result;
    }

    // A rule leads there when it is asked about, or sends packets to a chain that leads there. A target
    // the engine cannot follow past the horizon changes nothing: whatever it does, no later rule is asked.
    private static bool Leads(SymbolicRuleset rules, CompiledRule rule, Func<ResponsibleRule, bool> asked,
        Dictionary<(string, string), bool> leads, HashSet<(string, string)> visiting) =>
        asked(rule.Ref)
        || rule.Action is { Kind: ActionKind.Jump or ActionKind.Goto, Chain: { } target } && Leads(rules, (rule.Ref.Table, target), asked, leads, visiting);
}
