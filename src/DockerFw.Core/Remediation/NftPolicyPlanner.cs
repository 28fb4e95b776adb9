using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Text;

namespace DockerFw.Core.Remediation;

/// <summary>
/// Plans a policy on a host where Docker 29 writes nftables (its table <c>docker-bridges</c>; there
/// is no DOCKER-USER): dockerfw's own table (<see cref="NftPolicyTable"/>) with the rules of
/// <see cref="NftPolicyRules"/>, merged into the host's whole ruleset (Docker's table, iptables' and
/// every other native table) and proved there by <see cref="PlanProof"/>, the proof iptables plans
/// get. What dockerfw's table cannot enforce (an accept that Docker's table would still drop) fails
/// that proof, and DFW840 says why. Both families go into one <c>nft -f</c> script: one transaction.
/// </summary>
public static class NftPolicyPlanner
{
    /// <summary>Whether Docker runs its nftables backend on the host (its table of either family is there).</summary>
    public static bool IsNftablesHost(Ruleset v4, Ruleset? v6) =>
        NftLayoutInference.DockerTable(v4) is not null || (v6 is not null && NftLayoutInference.DockerTable(v6) is not null);

    /// <param name="v4">The host's IPv4 rules as the kernel runs them (iptables' and the native tables).</param>
    /// <param name="v6">The same for IPv6.</param>
    public static ParseResult<PolicyPlan> Plan(Ruleset v4, Ruleset v6, ResolvedPolicy policy)
    {
        var ipv4 = Half(v4, IpFamily.V4, policy);
        if (ipv4.Value is null) return ipv4;
        // The IPv6 half is proved when the policy has IPv6; an empty one is left out unless an earlier
        // apply left a table to empty.
        if (!policy.HasIpv6 && NftPolicyTable.Of(v6, IpFamily.V6) is null) return Scripted(ipv4.Value, null);
        var ipv6 = Half(v6, IpFamily.V6, policy);
        if (ipv6.Value is null) return ipv6;
        if (ipv6.Value.Rules.IsEmpty && NftPolicyTable.Of(v6, IpFamily.V6) is null) return Scripted(ipv4.Value, null);
        return Scripted(ipv4.Value, ipv6.Value);
    }

    /// <summary>The plan of <c>apply --remove</c>: dockerfw's tables deleted; an empty diff when there are none.</summary>
    public static PolicyPlan Removal(Ruleset v4, Ruleset v6)
    {
        PolicyPlan Remove(Ruleset before, IpFamily family)
        {
            var table = NftPolicyTable.Of(before, family);
            if (table is null) return new PolicyPlan(before, before, [], false, "", "") { Nftables = true };
            var after = NftPolicyTable.With(before, family, null);
            return new PolicyPlan(before, after, [], false, NftPolicyTable.Removal(family), Diff(table, null, family)) { Nftables = true };
        }

        var (ipv4, ipv6) = (Remove(v4, IpFamily.V4), Remove(v6, IpFamily.V6));
        var script = ipv4.RestoreInput + ipv6.RestoreInput;
        return ipv4 with { RestoreInput = script, Ipv6 = ipv6.Diff.Length == 0 ? null : ipv6 with { RestoreInput = "" } };
    }

    private static ParseResult<PolicyPlan> Half(Ruleset before, IpFamily family, ResolvedPolicy policy)
    {
        var (rules, conflicts) = NftPolicyRules.For(policy, family);
        if (conflicts.Length > 0) return new ParseResult<PolicyPlan>(null, conflicts);
        var table = NftPolicyTable.Read(NftPolicyTable.Listing(family, rules));
        var after = NftPolicyTable.With(before, family, table);
        var (disproved, repairs) = PlanProof.Prove(after, policy);

        // What the host's rules let through and the policy blocks: dropped between the two bridges (PolicyPlanner).
        if (disproved.Length > 0 && !repairs.IsEmpty)
        {
            (rules, _) = NftPolicyRules.For(policy, family, repairs);
            table = NftPolicyTable.Read(NftPolicyTable.Listing(family, rules));
            after = NftPolicyTable.With(before, family, table);
            disproved = PlanProof.Check(after, policy);
        }

        if (disproved.Length > 0)
            return new ParseResult<PolicyPlan>(null, Limits(policy) is { } limits ? [.. disproved, limits] : disproved);
        var lines = NftPolicyTable.Sources(table.Chains.Single()).Select(s => NftExpr.Text(JsonDocument.Parse(s!).RootElement)).ToImmutableArray();
        var plan = new PolicyPlan(before, after, lines, false, NftPolicyTable.Script(table), Diff(NftPolicyTable.Of(before, family), table, family)) { Nftables = true };
        return new ParseResult<PolicyPlan>(plan, []);
    }

    /// <summary>The IPv4 plan carrying the script of both families (one transaction) and the IPv6 half for its diff.</summary>
    private static ParseResult<PolicyPlan> Scripted(PolicyPlan ipv4, PolicyPlan? ipv6) =>
        new(ipv4 with { RestoreInput = ipv4.RestoreInput + (ipv6?.RestoreInput ?? ""), Ipv6 = ipv6 is null ? null : ipv6 with { RestoreInput = "" } }, []);

    private static string Diff(Table? before, Table? after, IpFamily family) =>
        UnifiedDiff.Of(NftPolicyTable.Text(before), NftPolicyTable.Text(after), $"nft-{NftPolicyTable.FamilyOf(family)}-{NftPolicyTable.Name}");

    /// <summary>
    /// DFW840 when the policy asks for an accept that nftables cannot give past Docker's drops (the
    /// proof has just found some traffic blocked or otherwise wrong): which statements ask for one.
    /// </summary>
    private static Diagnostic? Limits(ResolvedPolicy policy)
    {
        var asks = new List<string>();
        asks.AddRange(policy.Exceptions.Select(e => $"'allow {e.From.Name} -> {e.To.Name}'"));
        foreach (var network in policy.Networks)
        {
            if (network.Icc == true && !network.Network.EnableIcc) asks.Add($"'icc on' in network '{network.Network.Name}'");
            if (!network.Network.EnableIcc && network.Exceptions.Length > 0) asks.Add($"the 'allow' pairs of network '{network.Network.Name}' (Docker runs it with icc off)");
        }

        if (policy.DockerUserDefault == DockerUserDefault.Accept) asks.Add("'docker-user default accept'");
        return asks.Count == 0 ? null : PolicyMessages.NftCannotAccept(new SourceSpan(policy.File, 1, 1), asks);
    }
}
