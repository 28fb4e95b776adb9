using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// What the <see cref="EvaluationContext"/> tells the symbolic engine, as sets of the address
/// dimension: the host's own addresses (loopback included) when known, ipset members, and the
/// sources whose route back leaves by each interface (<see cref="ReturnRoutes"/>).
/// </summary>
internal sealed record HostKnowledge(IntervalSet? LocalAddresses, ImmutableDictionary<string, IntervalSet> IpSets)
{
    /// <summary>Interfaces with an address of the family, when the host's addresses are known.</summary>
    public ImmutableArray<string>? AddressedInterfaces { get; init; }

    /// <summary>
    /// By interface name, the sources whose route back certainly leaves by it (the reverse-path check,
    /// <see cref="ReversePathCheck.CertainReturns"/>); null when the host's addresses are unknown.
    /// </summary>
    public ImmutableDictionary<string, IntervalSet>? ReturnRoutes => ReturnRouteSource?.Value;

    /// <summary>Made on first use: only a ruleset with a reverse-path check asks.</summary>
    private Lazy<ImmutableDictionary<string, IntervalSet>>? ReturnRouteSource { get; init; }

    /// <summary>
    /// Knowledge of a host given as its local addresses (a set: the audit's model host, whose every
    /// address outside the container subnets may be local) and, optionally, the addresses whose
    /// connected routes it has.
    /// </summary>
    public static HostKnowledge Of(IntervalSet? local, IEnumerable<InterfaceAddress>? connected, IpFamily family) =>
        new(local, ImmutableDictionary<string, IntervalSet>.Empty)
        {
            ReturnRouteSource = local is not null && connected is not null ? new(() => ReversePathCheck.CertainReturns(connected, family, local)) : null,
        };

    public static HostKnowledge From(EvaluationContext context, IpFamily family)
    {
        var local = context.Addresses is { } addresses ? ReversePathCheck.Local(addresses, family) : null;

        var sets = context.IpSets.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.Where(m => m.Family == family)
            .Select(RuleCompiler.Intervals).Aggregate(IntervalSet.Empty, (s, m) => m is null ? s : s.Union(m)));
        return new HostKnowledge(local, sets)
        {
            AddressedInterfaces = context.Addresses is { } all ? [.. all.Where(a => a.Family == family).Select(a => a.Interface).Distinct()] : null,
            ReturnRouteSource = context.Addresses is { } known ? new(() => ReversePathCheck.CertainReturns(known, family, local!)) : null,
        };
    }

    /// <summary>
    /// The part of <paramref name="shapes"/> whose packets may fail the reverse-path check: all but
    /// the sources <see cref="ReturnRoutes"/> gives for their input interface (for any interface when
    /// <paramref name="loose"/>). Only interfaces with a symbol of their own count: an other-symbol
    /// stands for many names, whose routes differ.
    /// </summary>
    public RuleShape[] WithoutReturnRoute(RuleShape[] shapes, bool loose, PacketSpace space)
    {
        var routes = ReturnRoutes!;
        var maxSrc = space.MaxOf(Dimension.Src);
        var regions = new List<(IntervalSet? In, IntervalSet Src)>();
        if (loose)
            regions.Add((null, routes.Values.Aggregate(IntervalSet.Empty, (all, s) => all.Union(s)).Complement(maxSrc)));
        else
        {
            var own = routes.Where(r => r.Key.Length > 0 && !r.Value.IsEmpty)
                .Select(r => (Symbol: space.Interfaces.SymbolOf(r.Key), Sources: r.Value))
                .Where(r => !space.Interfaces.IsOther(r.Symbol)).ToList();
            var named = IntervalSet.FromValues(own.Select(r => (UInt128)r.Symbol));
            regions.Add((named.Complement(space.MaxOf(Dimension.In)), IntervalSet.Range(0, maxSrc)));
            regions.AddRange(own.Select(r => ((IntervalSet?)IntervalSet.Single((UInt128)r.Symbol), r.Sources.Complement(maxSrc))));
        }

        var result = new List<RuleShape>();
        foreach (var shape in shapes)
            foreach (var (inSet, src) in regions)
            {
                var cut = (inSet is null ? shape : shape.With(Dimension.In, inSet)).With(Dimension.Src, src);
                if (cut.Constraints.All(c => !c.Set.IsEmpty)) result.Add(cut);
            }

        return [.. result];
    }
}
