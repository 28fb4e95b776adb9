using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// Host-wide conditions: FORWARD policy, DOCKER-USER present and met first, ip_forward, rules split
/// across back ends (and the other back end dropping container traffic), what the engine could only
/// approximate, and networks whose subnet the rules do not show.
/// </summary>
public sealed class HostCheck : IAuditCheck
{
    public string Name => "host";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        var analysis = context.Analysis();
        var inputs = analysis.Inputs;
        var dockerHost = !inputs.Networks.IsEmpty;
        var forward = inputs.Ruleset.IptablesTable("filter")?["FORWARD"];
        if (dockerHost && forward?.Policy == Verdict.Accept)
            yield return Finding.Of(FindingCodes.ForwardPolicyAccept,
                "filter FORWARD accepts what no rule decides: traffic between the host's other interfaces is routed freely. Set the policy to DROP (iptables -P FORWARD DROP) unless the host is meant to route.",
                evidence: [new Evidence("filter", "FORWARD", 0, forward.Span.Line, $":FORWARD {forward.Policy.ToString()!.ToUpperInvariant()}", "policy")]);

        var user = analysis.DockerUser;
        // Docker's nftables backend has no DOCKER-USER: user policy goes in the admin's own base chain.
        var nftBackend = Docker.NftLayoutInference.DockerTable(inputs.Ruleset) is not null;
        if (dockerHost && !nftBackend && user.JumpFromForwardPosition is null)
            yield return Finding.Of(FindingCodes.DockerUserNotHooked,
                user.ChainPresent
                    ? "DOCKER-USER exists but nothing in FORWARD jumps to it: its rules never run (the chains were flushed or reordered by another tool). Restart dockerd, or restore -I FORWARD -j DOCKER-USER."
                    : "there is no DOCKER-USER chain: the admin has no place Docker keeps before its own rules. Restart dockerd to recreate it.");

        // ip6tables has a DOCKER-USER of its own (Docker 27+): what it lets through or never sees is
        // judged there too. Its absence before Docker 27 is no finding: dockerd never wrote one.
        foreach (var (family, prefix) in analysis.Families)
            foreach (var finding in DockerUserOrder(family, prefix)) yield return finding;

        if (inputs.Host.IpForward == false && dockerHost)
            yield return Finding.Of(FindingCodes.IpForwardOff,
                "net.ipv4.ip_forward is 0: the host routes nothing, so containers have no outbound traffic and published ports reach no container. Set net.ipv4.ip_forward=1 (dockerd does it at start unless told not to).");

        if (context.V4.LegacyTablesPresent || !context.OtherBackends.IsEmpty)
            yield return Finding.Of(FindingCodes.SplitBackends,
                "rules are split across iptables-legacy and iptables-nft: both run for every packet, and a packet must pass both. Audit both (iptables-legacy-save and iptables-nft-save), and keep one back end.");
        foreach (var (family, prefix) in analysis.Families)
            foreach (var f in Audit.Checks.OtherBackendDrops.Of(context, family, prefix)) yield return f;

        if (AuditAnalysis.WithoutIpv6Rules(context)) yield return NoIpv6Rules(context);

        var doubts = analysis.Passes.Rules.Doubts;
        if (doubts.Count > 0)
            yield return Finding.Of(FindingCodes.Approximated,
                $"{doubts.Count} rule(s) depend on something the dump does not show (ipset members, marks, rates...); results that depend on them are reported as possible. See the evidence for where.",
                evidence: doubts.OrderBy(d => d.Key.Line).Take(20).Select(d => EvidenceOf.Rule(inputs.Ruleset, d.Key, d.Value)));
        foreach (var f in AdminRuleFindings.Of(context, analysis)) yield return f;
        foreach (var n in inputs.Networks.Where(n => n.Subnet is null))
            yield return Finding.Of(FindingCodes.SubnetUnknown,
                $"the subnet of {n.Name} is not visible in the rules, so facts about its containers are judged for any address. Give the audit Docker's data (--docker) for exact answers.",
                [n.Name]);
    }

    private static IEnumerable<Finding> DockerUserOrder(AuditAnalysis analysis, string prefix)
    {
        var inputs = analysis.Inputs;
        var user = analysis.DockerUser;
        var forwardDecisions = ForwardDecisions(analysis);
        if (user.JumpFromForwardPosition is > 1 && forwardDecisions.Before.Count > 0)
            yield return Finding.Of(FindingCodes.DockerUserNotFirst,
                $"{prefix}FORWARD decides some traffic before its jump to DOCKER-USER (rule {user.JumpFromForwardPosition}): DOCKER-USER rules never see that traffic. Move those rules into DOCKER-USER, or put the jump first.",
                evidence: forwardDecisions.Before.Select(r => EvidenceOf.Rule(inputs.Ruleset, r, "decides before DOCKER-USER")));
        if (forwardDecisions.UserAcceptsAll)
            yield return Finding.Of(FindingCodes.DockerUserAcceptsAll,
                $"{prefix}DOCKER-USER accepts every new connection into or out of the bridges that reaches it, before Docker's isolation, icc and port rules: no network is isolated. Narrow the ACCEPT (match interfaces, addresses, ports) or end DOCKER-USER with RETURN instead.",
                inputs.Networks.Select(n => n.Name), evidence: forwardDecisions.UserAccepts.Select(r => EvidenceOf.Rule(inputs.Ruleset, r, "accepts everything")));
    }

    private sealed record Decisions(List<ResponsibleRule> Before, List<ResponsibleRule> UserAccepts, bool UserAcceptsAll);

    /// <summary>NEW forwarded Docker traffic, partitioned: who decides before DOCKER-USER, and whether DOCKER-USER accepts all the rest.</summary>
    private static Decisions ForwardDecisions(AuditAnalysis analysis)
    {
        var hook = analysis.DockerUser;
        if (hook.JumpFromForwardPosition is not { } jump || analysis.Inputs.Networks.IsEmpty) return new([], [], false);
        // Only what happens up to the jump matters: FORWARD cut after it, with a DROP policy so that
        // what DOCKER-USER returns is told apart from what it accepts. The walk stays small however
        // many bridges Docker's own chains hold.
        var inputs = analysis.Inputs;
        var filter = inputs.Ruleset.IptablesTable("filter")!;
        var cut = filter with
        {
            Chains = [.. filter.Chains.Select(c => c.Name == "FORWARD" ? c with { Policy = Verdict.Drop, Rules = [.. c.Rules.Take(jump)] } : c)],
        };
        var rules = SymbolicRuleset.Compile(inputs.Ruleset with { Tables = [cut] },
            inputs.Networks.Select(n => new InterfacePattern(n.Bridge)).Append(new InterfacePattern(HostModel.Uplink)), inputs.HostModel.LocalAddresses,
            ipSets: inputs.HostModel.IpSets);
        var result = SymbolicEngine.Reach(rules, PacketPath.Forward, SymbolicPasses.DockerTraffic(rules.Space, inputs));
        var before = new List<ResponsibleRule>();
        var userAccepts = new List<ResponsibleRule>();
        var passesThrough = false;
        foreach (var region in result.Regions)
        {
            var deciding = EvidenceOf.Deciding(region);
            if (region.Verdict != ReachVerdict.Maybe && deciding is { Table: "filter", Chain: "FORWARD" } d && d.Number < jump)
            {
                before.Add(d);
                continue;
            }

            if (region.Verdict == ReachVerdict.Accept && deciding is { Table: "filter", Chain: "DOCKER-USER" } user)
                userAccepts.Add(user);
            else if (region.Rules.Any(r => r is { Table: "filter", Chain: "FORWARD" } && r.Number == jump))
                passesThrough = true;
        }

        return new(before.Distinct().ToList(), userAccepts.Distinct().ToList(), userAccepts.Count > 0 && !passesThrough);
    }

    /// <summary>DFW630: dual-stack networks, and no IPv6 rule of Docker's; the IPv6 facts and findings are judged on the rules that exist.</summary>
    private static Finding NoIpv6Rules(AuditContext context)
    {
        var networks = context.View.Networks.Where(n => AuditedNetwork.Of(n, IpFamily.V6) is not null).Select(n => n.Name).ToList();
        var forwarding = context.Host.Forwarding(IpFamily.V6) == false
            ? " The host does not route IPv6 (net.ipv6.conf.all.forwarding=0), so only traffic inside one bridge passes."
            : "";
        var rules = context.V6.Tables.Any(t => t.Rules.Any()) ? "only the IPv6 rules that are there (none of them Docker's)" : "no IPv6 rule at all, which accepts everything";
        return Finding.Of(FindingCodes.NoIpv6Rules,
            $"networks {string.Join(", ", networks)} have IPv6 subnets but Docker wrote no ip6tables rules (its ip6tables option is off, the default before Docker 27): their IPv6 traffic meets {rules}, none of Docker's isolation, icc or published-port rules. The IPv6 facts and findings of this report are judged on that.{forwarding} Turn ip6tables on in daemon.json (\"ip6tables\": true; before Docker 27 also \"experimental\": true) and restart dockerd, or remove the IPv6 subnets.",
            networks);
    }
}
