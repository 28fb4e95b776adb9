using DockerFw.Cli.Input;
using DockerFw.Core.Host;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;

namespace DockerFw.Cli.Apply;

/// <summary>Reading a host and a policy into a plan, shared by plan and apply; problems go to stderr.</summary>
internal static class PolicyPlanning
{
    public static PolicyPlan? Plan(InputOptions input, string policyFile, HostLoader loader, TextWriter error)
    {
        var loaded = loader.Load(input);
        return LoadedHostReport.Write(loaded, error) ? Plan(loaded, policyFile, error) : null;
    }

    /// <summary>The plan of <paramref name="policyFile"/> on a host already loaded (and reported).</summary>
    public static PolicyPlan? Plan(LoadedHost loaded, string policyFile, TextWriter error)
    {
        // The policy's names are resolved against Docker's view: a view the rules suggest is said to be so.
        LoadedHostReport.WriteViewDoubts(loaded, error);
        if (NftablesHost(loaded) is { } host)
        {
            if (PolicyFile.Read(policyFile, error) is not { } nftDocument) return null;
            var nftResolved = PolicyResolver.Resolve(nftDocument, loaded.Docker);
            if (!PolicyFile.Report(nftResolved.Diagnostics, error) || nftResolved.Value is null) return null;
            var nftPlan = NftPolicyPlanner.Plan(host.V4, host.V6, nftResolved.Value with { IpSets = loaded.IpSets.Members, Routes = loaded.Routes, Settings = loaded.Settings });
            return PolicyFile.Report(nftPlan.Diagnostics, error) ? nftPlan.Value : null;
        }

        // The plan is made for iptables-restore: the rules as iptables-save shows them.
        var v4 = loaded.IptablesOf(IpFamily.V4);
        if (v4 is null)
        {
            error.WriteLine("dockerfw: error: no IPv4 rules were read; a plan is made for iptables (IPv4)");
            return null;
        }

        if (PolicyFile.Read(policyFile, error) is not { } document) return null;
        var resolved = PolicyResolver.Resolve(document, loaded.Docker);
        if (!PolicyFile.Report(resolved.Diagnostics, error) || resolved.Value is null) return null;
        var v6 = loaded.IptablesOf(IpFamily.V6);
        // The proof judges the after-state with the host's native nft tables and the other back end's, as the audit does.
        var plan = PolicyPlanner.Plan(v4, v6, resolved.Value with { IpSets = loaded.IpSets.Members, Routes = loaded.Routes, Settings = loaded.Settings, Unwritten = UnwrittenTables.Of(loaded) }, loaded.Proxies);
        return PolicyFile.Report(plan.Diagnostics, error) ? plan.Value : null;
    }

    /// <summary>The plan that takes dockerfw's chain and its jumps away, in both families.</summary>
    public static PolicyPlan? Removal(InputOptions input, HostLoader loader, TextWriter error)
    {
        var loaded = loader.Load(input);
        if (!LoadedHostReport.Write(loaded, error)) return null;
        if (NftablesHost(loaded) is { } host) return NftPolicyPlanner.Removal(host.V4, host.V6);
        var v4 = loaded.IptablesOf(IpFamily.V4);
        if (v4 is null)
        {
            error.WriteLine("dockerfw: error: no IPv4 rules were read; nothing can be removed");
            return null;
        }

        return PolicyRemoval.Plan(v4, loaded.IptablesOf(IpFamily.V6));
    }

    /// <summary>
    /// A line saying that the plan replaces a policy applied earlier (dockerfw's chain already has
    /// rules, and the plan changes them), or null.
    /// </summary>
    public static string? Replaced(PolicyPlan plan)
    {
        if (plan.Nftables)
        {
            var rules = NftPolicyTable.Of(plan.Before, IpFamily.V4)?.Rules.Count() ?? 0;
            if (rules == 0 || plan.Diff.Length == 0) return null;
            return $"This plan replaces the policy applied earlier: table ip {NftPolicyTable.Name} has {rules} rule(s) now and will have {plan.Rules.Length}.";
        }

        var earlier = plan.Before["filter"]?[PolicyPlanner.Chain]?.Rules.Length ?? 0;
        if (earlier == 0 || plan.Diff.Length == 0) return null;
        return $"This plan replaces the policy applied earlier: {PolicyPlanner.Chain} has {earlier} rule(s) now and will have {plan.Rules.Length}.";
    }

    /// <summary>
    /// Lines saying that the plan also moves FORWARD's jump to DOCKER-USER first, and why (DFW603), per
    /// family; none when it leaves FORWARD alone.
    /// </summary>
    public static IEnumerable<string> MovedJumps(PolicyPlan plan) =>
        new[] { ("", plan.MovesJump), (" of ip6tables", plan.Ipv6?.MovesJump) }
            .Where(m => m.Item2 is not null)
            .Select(m => $"This plan also moves FORWARD's jump to DOCKER-USER{m.Item1} first ({m.Item2!.Reason}).");

    /// <summary>
    /// Both families' rules as the kernel runs them when Docker writes nftables (docker-rules.md §5):
    /// plans then go into dockerfw's own nft table; null on an iptables host.
    /// </summary>
    private static (Core.Model.Ruleset V4, Core.Model.Ruleset V6)? NftablesHost(LoadedHost loaded)
    {
        if (loaded.Native is null) return null;
        var (v4, v6) = (loaded.RulesetOrEmpty(IpFamily.V4), loaded.RulesetOrEmpty(IpFamily.V6));
        return NftPolicyPlanner.IsNftablesHost(v4, v6) ? (v4, v6) : null;
    }
}
