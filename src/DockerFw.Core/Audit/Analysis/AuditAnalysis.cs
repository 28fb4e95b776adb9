using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Everything the checks ask the engine, computed once per audit and only when first asked:
/// per-network facts, the reachability matrix, published ports, links and DOCKER-USER.
/// </summary>
public sealed class AuditAnalysis
{
    // Keyed by reference: every check of one audit shares one analysis.
    private static readonly ConditionalWeakTable<AuditContext, AuditAnalysis> Cache = new();

    private readonly Lazy<ImmutableArray<NetworkFacts>> _networks;
    private readonly Lazy<(ImmutableArray<PairReach> Pairs, ImmutableArray<LinkFacts> Links)> _sweep;
    private readonly Lazy<ImmutableArray<PortFacts>> _ports;
    private readonly Lazy<SymbolicPasses> _passes;

    private AuditAnalysis(AuditContext context)
    {
        Inputs = new AuditInputs(context);
        _passes = new(() => new SymbolicPasses(Inputs));
        _networks = new(() => [.. Inputs.Networks.Select(n => NetworkFacts.Probe(n, Inputs))]);
        _sweep = new(Sweep);
        _ports = new(() => [.. PortFacts.Probe(Inputs)]);
        DockerUser = DockerUserFacts.Of(Inputs.Ruleset);
    }

    public static AuditAnalysis Of(AuditContext context) => Cache.GetValue(context, c => new AuditAnalysis(c));

    public AuditInputs Inputs { get; }

    public SymbolicPasses Passes => _passes.Value;

    public ImmutableArray<NetworkFacts> Networks => _networks.Value;

    /// <summary>Every ordered pair of distinct bridge networks.</summary>
    public ImmutableArray<PairReach> Pairs => _sweep.Value.Pairs;

    public ImmutableArray<PortFacts> Ports => _ports.Value;

    public ImmutableArray<LinkFacts> Links => _sweep.Value.Links;

    public DockerUserReport DockerUser { get; }

    /// <summary>One walk per source network answers both its row of the matrix and its links.</summary>
    private (ImmutableArray<PairReach>, ImmutableArray<LinkFacts>) Sweep()
    {
        var pairs = ImmutableArray.CreateBuilder<PairReach>();
        var links = ImmutableArray.CreateBuilder<LinkFacts>();
        foreach (var facts in Networks)
        {
            var a = facts.Network;
            pairs.AddRange(Inputs.Networks.Where(b => b != a).Select(b => PairReach.Of(a, b, Passes, Inputs)));
            links.AddRange(LinkFacts.Find(Inputs, Passes, facts));
        }

        return (pairs.ToImmutable(), links.ToImmutable());
    }
}

public static class AuditContextAnalysis
{
    /// <summary>The shared analysis of this audit.</summary>
    public static AuditAnalysis Analysis(this AuditContext context) => AuditAnalysis.Of(context);
}
