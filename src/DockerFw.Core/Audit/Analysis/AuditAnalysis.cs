using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Everything the checks ask the engine, computed once per audit and only when first asked:
/// per-network facts, the reachability matrix, published ports, links and DOCKER-USER.
/// </summary>
public sealed class AuditAnalysis
{
    // Keyed by reference: every check of one audit shares one analysis.
    private static readonly ConditionalWeakTable<AuditContext, AuditAnalysis> Cache = new();

    private readonly Lazy<(ImmutableArray<NetworkFacts> Networks, ImmutableArray<PairReach> Pairs, ImmutableArray<LinkFacts> Links)> _sweep;
    private readonly Lazy<ImmutableArray<PortFacts>> _ports;
    private readonly Lazy<SymbolicPasses> _passes;

    private readonly Lazy<AuditAnalysis?> _v6;

    private AuditAnalysis(AuditContext context, IpFamily family)
    {
        Inputs = new AuditInputs(context, family);
        _v6 = new(() => family == IpFamily.V4 && (DockerManages(context.V6) || WithoutIpv6Rules(context)) ? new AuditAnalysis(context, IpFamily.V6) : null);
        _passes = new(() => new SymbolicPasses(Inputs));
        _sweep = new(Sweep);
        // Without Docker's IPv6 rules there is no IPv6 DNAT: no IPv6 binding is forwarded to a container
        // (docker-proxy alone may serve one, which the proxy facts judge), so there is no port to judge.
        _ports = new(() => family == IpFamily.V6 && WithoutIpv6Rules(context) ? [] : [.. PortFacts.Probe(Inputs, Passes)]);
        DockerUser = DockerUserFacts.Of(Inputs.Ruleset);
    }

    public static AuditAnalysis Of(AuditContext context) => Cache.GetValue(context, c => new AuditAnalysis(c, IpFamily.V4));

    /// <summary>
    /// The same questions over the IPv6 ruleset, null when there is none. The network matrix
    /// (<see cref="Pairs"/>), access from outside, the per-network facts (icc, masquerade), the
    /// published ports (the bindings on IPv6 addresses, to the containers' IPv6 addresses) and the
    /// link openings are asked of it; DOCKER-USER is an IPv4 fact so far.
    /// </summary>
    public AuditAnalysis? V6 => _v6.Value;

    /// <summary>
    /// This analysis and the IPv6 one when there is one, each with the words its findings start
    /// with: a finding about one family must say which dump it is about.
    /// </summary>
    public IEnumerable<(AuditAnalysis Analysis, string Prefix)> Families =>
        V6 is { } v6 ? [(this, ""), (v6, "over IPv6 (ip6tables), ")] : [(this, "")];

    public AuditInputs Inputs { get; }

    public SymbolicPasses Passes => _passes.Value;

    public ImmutableArray<NetworkFacts> Networks => _sweep.Value.Networks;

    /// <summary>
    /// Every ordered pair of distinct bridge networks whose verdict is not denied; every other pair is
    /// denied, with no flows (<see cref="PairReach.Of"/>). Isolated pairs are not held: a host of N
    /// isolated networks would hold N(N-1) of them.
    /// </summary>
    public ImmutableArray<PairReach> Pairs => _sweep.Value.Pairs;

    /// <summary>The network matrix of the report: <see cref="Pairs"/> over the networks, every other pair denied.</summary>
    public ReachabilityMatrix Matrix => new(Inputs.Networks.Select(n => n.Name), Pairs.Select(p => p.ToEntry()));

    public ImmutableArray<PortFacts> Ports => _ports.Value;

    public ImmutableArray<LinkFacts> Links => _sweep.Value.Links;

    public DockerUserReport DockerUser { get; }

    /// <summary>
    /// Whether dockerd writes this ruleset: with ip6tables=false (the default before Docker 27) it
    /// leaves ip6tables alone, and judging Docker's networks by rules it never wrote would report
    /// every IPv6 network as broken.
    /// </summary>
    public static bool DockerManages(Model.Ruleset ruleset) =>
        ruleset.Tables.Any(t => t.IsNative
            ? t.Name.StartsWith("docker", StringComparison.Ordinal)
            : t.Chains.Any(c => c.Name.StartsWith("DOCKER", StringComparison.Ordinal)));

    /// <summary>
    /// Docker's view names networks with an IPv6 subnet, the IPv6 rules were read, and dockerd wrote
    /// none of them (its <c>ip6tables</c> option off, the default before Docker 27): the kernel still
    /// forwards their IPv6 traffic, filtered only by the rules that exist (an empty ruleset accepts
    /// everything), so IPv6 is judged on those, not skipped.
    /// </summary>
    public static bool WithoutIpv6Rules(AuditContext context) =>
        context.Ipv6Read && !DockerManages(context.V6) && !context.View.Inferred
        && context.View.Networks.Any(n => AuditedNetwork.Of(n, IpFamily.V6) is not null);

    /// <summary>One walk per source network answers its facts (icc), its row of the matrix and its links.</summary>
    private (ImmutableArray<NetworkFacts>, ImmutableArray<PairReach>, ImmutableArray<LinkFacts>) Sweep()
    {
        var networks = ImmutableArray.CreateBuilder<NetworkFacts>();
        var pairs = ImmutableArray.CreateBuilder<PairReach>();
        var links = ImmutableArray.CreateBuilder<LinkFacts>();
        foreach (var a in Inputs.Networks)
        {
            var walked = Passes.From(a);
            var facts = NetworkFacts.Probe(a, Inputs, Passes, walked);
            networks.Add(facts);
            // Only the bridges the walk finds something open to can be anything but denied: the others
            // are not asked one by one (PairReach.Of would answer denied for each).
            pairs.AddRange(Inputs.NetworksOn(walked.Open().Distinct()).Where(b => b != a)
                .Select(b => PairReach.Of(a, b, Passes, Inputs)).Where(p => p.Verdict != ReachabilityVerdict.Denied));
            links.AddRange(LinkFacts.Find(Inputs, Passes, facts));
        }

        return (networks.ToImmutable(), pairs.ToImmutable(), links.ToImmutable());
    }
}

public static class AuditContextAnalysis
{
    /// <summary>The shared analysis of this audit.</summary>
    public static AuditAnalysis Analysis(this AuditContext context) => AuditAnalysis.Of(context);
}
