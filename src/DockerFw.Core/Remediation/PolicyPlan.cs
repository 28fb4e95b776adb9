using System.Collections.Immutable;
using DockerFw.Core.Model;

namespace DockerFw.Core.Remediation;

/// <summary>
/// What applying a policy does to one family: the rules of dockerfw's chain, the iptables-restore
/// <c>--noflush</c> input that installs them, the state before and after, and the unified diff
/// between the two; the IPv4 plan carries the IPv6 one (<see cref="Ipv6"/>).
/// </summary>
public sealed record PolicyPlan(
    Ruleset Before,
    Ruleset After,
    ImmutableArray<string> Rules,
    bool AddsJump,
    string RestoreInput,
    string Diff)
{
    /// <summary>The ip6tables half, when the policy's networks have IPv6 and the host's ip6tables rules were read.</summary>
    public PolicyPlan? Ipv6 { get; init; }

    /// <summary>
    /// A plan of dockerfw's nft table (Docker 29's nftables backend): <see cref="RestoreInput"/> is the
    /// <c>nft -f</c> script of both families, <see cref="Rules"/> the nft rules, the diff that of the table.
    /// </summary>
    public bool Nftables { get; init; }

    /// <summary>
    /// FORWARD's jump to DOCKER-USER as it was, when the plan moves it first (it sat behind rules that
    /// decide what the policy judges, DFW603); null when the plan leaves FORWARD alone.
    /// </summary>
    public ForwardJump? MovesJump { get; init; }

    /// <summary>The host already runs exactly this plan: applying it again changes nothing.</summary>
    public bool ChangesNothing => Diff.Length == 0 && (Ipv6?.ChangesNothing ?? true);
}
