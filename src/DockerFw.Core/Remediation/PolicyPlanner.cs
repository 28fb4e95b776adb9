using System.Collections.Immutable;
using System.Text;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Text;

namespace DockerFw.Core.Remediation;

/// <summary>
/// Plans a policy onto a host's rulesets, IPv4 and IPv6 alike. Docker flushes and rebuilds its own chains on restart but
/// leaves DOCKER-USER alone, so the rules live in a chain dockerfw owns, reached by one jump placed
/// first in DOCKER-USER; nothing else of the host is touched. A plan the semantics engine does not
/// confirm on the after-state is refused (<see cref="PlanProof"/>).
/// </summary>
public static class PolicyPlanner
{
    public const string Chain = "DOCKERFW-POLICY";

    public const string DockerUser = "DOCKER-USER";

    private static readonly string JumpText = $"-A {DockerUser} -j {Chain}";

    /// <summary>Plans one family: the ruleset's.</summary>
    public static ParseResult<PolicyPlan> Plan(Ruleset before, ResolvedPolicy policy)
    {
        var family = before.Family;
        var filter = before["filter"];
        if (filter?[DockerUser] is not { } dockerUser)
            return Refused(PolicyMessages.NoDockerUser(new SourceSpan(policy.File, 1, 1)));

        var addsJump = !dockerUser.Rules.Any(r => IptablesSaveWriter.FormatRule(r) == JumpText);
        var (lines, after, problems) = Proved(before, policy, addsJump);

        // Where FORWARD decides traffic before its jump to DOCKER-USER (Docker 20.10 after firewalld's
        // reload, DFW603), nothing in DOCKER-USER can change its fate: the plan also moves the jump
        // ahead of Docker's own rules (first, unless someone else's rules come before), and is proved again. Only when it must, and only when that proves: FORWARD is
        // Docker's, and left as it is otherwise; a refusal names what the host does as it is.
        ForwardJump? moves = null;
        if (problems.Length > 0 && ForwardJump.Find(before, policy.Bridges.Select(b => b.Bridge).OfType<string>()) is { Behind: true } jump
            && Proved(jump.MovedAhead(before), policy, addsJump) is { Problems.Length: 0 } moved)
        {
            (lines, after, problems) = moved;
            moves = jump;
        }

        if (problems.Length > 0) return new ParseResult<PolicyPlan>(null, problems);

        var diff = UnifiedDiff.Of(IptablesSaveWriter.Write(before, includeCounters: false), IptablesSaveWriter.Write(after, includeCounters: false),
            family == IpFamily.V4 ? "iptables-save" : "ip6tables-save");
        return new ParseResult<PolicyPlan>(new PolicyPlan(before, after, lines, addsJump, RestoreInput(lines, addsJump, moves), diff) { MovesJump = moves }, []);
    }

    /// <summary>
    /// The plan's rules on <paramref name="before"/> and its after-state, proved; or why they cannot
    /// be written, or what the proof found. Where the host's rules let through what the policy blocks
    /// (Docker's isolation or icc rules moved or deleted, an admin's accept), the plan drops it
    /// between the two bridges and proves again.
    /// </summary>
    private static (ImmutableArray<string> Lines, Ruleset After, ImmutableArray<Diagnostic> Problems) Proved(Ruleset before, ResolvedPolicy policy, bool addsJump)
    {
        var (lines, after, failed) = Build(before, policy, addsJump, BridgeRepairs.None);
        if (failed.Length > 0) return (lines, after, failed);
        var (disproved, repairs) = PlanProof.Prove(after, policy);
        if (disproved.Length > 0 && !repairs.IsEmpty)
        {
            (lines, after, failed) = Build(before, policy, addsJump, repairs);
            if (failed.Length > 0) return (lines, after, failed);
            disproved = PlanProof.Check(after, policy);
        }

        return (lines, after, disproved);
    }

    /// <summary>
    /// Plans IPv4 and, when the policy's networks have IPv6 and <paramref name="v6"/> (the host's
    /// ip6tables rules) has Docker's DOCKER-USER, IPv6 too: both halves must be proved, or neither is
    /// planned; an IPv6 half with no rule is left out. Without DOCKER-USER in ip6tables (Docker before 27, or ip6tables off) nothing of
    /// dockerfw's can be reached there; the plan covers IPv4 and a warning says so.
    /// </summary>
    /// <param name="proxies">
    /// The host's docker-proxy listeners: the after-state must keep every client the policy does not
    /// list from reaching a restricted port through them too (<see cref="ProxyConformance"/>), as
    /// <c>audit --policy</c> judges it. dockerfw's chain hangs off DOCKER-USER, which their connections
    /// never cross, so a plan that leaves such a way open is refused with the INPUT rules to add.
    /// </param>
    public static ParseResult<PolicyPlan> Plan(Ruleset v4, Ruleset? v6, ResolvedPolicy policy, ProxyListeners? proxies)
    {
        var plan = Plan(v4, v6, policy);
        if (plan.Value is not { } planned || proxies is null || policy.Publishes.IsEmpty) return plan;
        var after6 = planned.Ipv6?.After ?? v6;
        var host = new ProxyHost(policy.Whole(planned.After), after6 is null ? null : policy.Whole(after6), policy.Bridges, proxies, ipSets: policy.IpSets);
        var bypassed = ProxyConformance.Judge(host, policy);
        if (bypassed.IsEmpty) return plan;
        return new ParseResult<PolicyPlan>(null, [.. bypassed.Select(d => PolicyMessages.PlanDisproved(new SourceSpan(policy.File, 1, 1), ProxyRefusal(d)))]);
    }

    private static string ProxyRefusal(PublishDifference difference)
    {
        var binding = difference.Publish.Binding;
        var decided = difference.Evidence.FirstOrDefault() is { } e
            ? e.Rule == 0 ? $" (decided by {e.Text})" : $" (decided by {e.Table}/{e.Chain}#{e.Rule} (line {e.Line}): {e.Text})"
            : "";
        return $"{binding.Protocol}/{binding.HostPort} on {difference.Hosts} from {difference.Sources} {(difference.Reaches == true ? "reaches" : "may reach")} "
            + $"'{difference.Member.Container.Name}' {difference.Through}, but the policy says it does not{decided}. {difference.Remedy}";
    }

    public static ParseResult<PolicyPlan> Plan(Ruleset v4, Ruleset? v6, ResolvedPolicy policy)
    {
        var ipv4 = Plan(v4, policy);
        if (v6 is null || !policy.HasIpv6) return ipv4;
        if (v6["filter"]?[DockerUser] is null)
        {
            var dualStack = policy.Bridges.Where(b => b.SubnetsOf(IpFamily.V6).Any() || policy.Members.Any(m => m.Network.Id == b.Id && m.AddressV6 is not null));
            return ipv4 with { Diagnostics = [.. ipv4.Diagnostics, PolicyMessages.Ipv6NotPlanned(new SourceSpan(policy.File, 1, 1), dualStack.Select(b => b.Name))] };
        }

        var ipv6 = Plan(v6, policy);
        if (ipv4.Value is null || ipv6.Value is null) return new ParseResult<PolicyPlan>(null, [.. ipv4.Diagnostics, .. ipv6.Diagnostics]);
        // IPv6 is still proved, but where nothing the policy says names an IPv6 address (no network or
        // container of its statements has one) the half would be an empty chain and its jump: noise.
        // A chain left by an earlier apply is planned all the same, so that it is emptied.
        if (ipv6.Value.Rules.IsEmpty && v6["filter"]?[Chain] is null) return ipv4;
        return new ParseResult<PolicyPlan>(ipv4.Value with { Ipv6 = ipv6.Value }, []);
    }

    /// <summary>The after-state of the rules the policy (and the repairs) ask for, or why they cannot be written.</summary>
    private static (ImmutableArray<string> Lines, Ruleset After, ImmutableArray<Diagnostic> Failed) Build(Ruleset before, ResolvedPolicy policy, bool addsJump, BridgeRepairs repairs)
    {
        var (lines, conflicts) = PolicyRules.For(policy, before.Family, repairs);
        if (conflicts.Length > 0) return (lines, before, conflicts);

        var fragment = IptablesSaveReader.Read(Fragment(lines), "plan", before.Family);
        if (!fragment.Succeeded) return (lines, before, fragment.Diagnostics);
        var built = fragment.Value!["filter"]!;
        var ownChain = built[Chain]!;
        var filter = before["filter"]!;
        var chains = filter.Chains
            .Where(c => c.Name != Chain)
            .Select(c => c.Name == DockerUser && addsJump ? Numbered(c with { Rules = c.Rules.Insert(0, built[DockerUser]!.Rules[0]) }) : c)
            .Append(filter[Chain] is { } existing ? existing with { Rules = ownChain.Rules } : ownChain);
        var after = before with
        {
            Tables = before.Tables.Select(t => t == filter ? t with { Chains = Ordered(filter, chains) } : t).ToImmutableArray(),
        };
        return (lines, after, []);
    }

    /// <summary>The chain keeps its place when it exists; a new one goes last, where iptables-restore creates it.</summary>
    private static ImmutableArray<Chain> Ordered(Table filter, IEnumerable<Chain> chains)
    {
        var list = chains.ToList();
        var index = filter.Chains.IndexOf(filter[Chain]!);
        if (index < 0) return [.. list];
        var own = list[^1];
        list.RemoveAt(list.Count - 1);
        list.Insert(index, own);
        return [.. list];
    }

    /// <summary>Rules numbered by their place in the chain after the plan, as a refusal names them.</summary>
    private static Chain Numbered(Chain chain) => chain with { Rules = [.. chain.Rules.Select((r, i) => r with { Number = i + 1 })] };

    private static string Fragment(ImmutableArray<string> lines)
    {
        var text = new StringBuilder($"*filter\n:{DockerUser} - [0:0]\n:{Chain} - [0:0]\n{JumpText}\n");
        foreach (var line in lines) text.Append(line).Append('\n');
        return text.Append("COMMIT\n").ToString();
    }

    /// <summary>
    /// With <c>--noflush</c>, declaring the chain flushes only it, so the input replaces dockerfw's
    /// rules in one transaction and leaves every other chain as it is.
    /// </summary>
    private static string RestoreInput(ImmutableArray<string> lines, bool addsJump, ForwardJump? moves)
    {
        var text = new StringBuilder($"*filter\n:{Chain} - [0:0]\n");
        foreach (var line in moves?.RestoreLines ?? []) text.Append(line).Append('\n');
        if (addsJump) text.Append($"-I {DockerUser} 1 -j {Chain}\n");
        foreach (var line in lines) text.Append(line).Append('\n');
        return text.Append("COMMIT\n").ToString();
    }

    private static ParseResult<PolicyPlan> Refused(Diagnostic diagnostic) => new(null, [diagnostic]);
}
