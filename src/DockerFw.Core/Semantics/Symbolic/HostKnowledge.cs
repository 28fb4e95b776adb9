using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.IpSets;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// What the <see cref="EvaluationContext"/> tells the symbolic engine, as sets of the address
/// dimension: the host's own addresses (loopback included) when known, ipset members, and the
/// reverse-path check's answer per input interface (<see cref="Returns"/>).
/// </summary>
/// <param name="IpSets">By set name, the addresses of the sets it holds that test one address.</param>
internal sealed record HostKnowledge(IntervalSet? LocalAddresses, ImmutableDictionary<string, IntervalSet> IpSets)
{
    /// <summary>By set name, all it holds: the sets of tuples (hash:ip,port...) beside the addresses.</summary>
    public ImmutableDictionary<string, IpSetMembers> IpSetMembers { get; init; } = ImmutableDictionary<string, IpSetMembers>.Empty;

    /// <summary>Interfaces with an address of the family, or a route, when the host's addresses or routes are known.</summary>
    public ImmutableArray<string>? AddressedInterfaces { get; init; }

    /// <summary>
    /// The reverse-path check's answers (<see cref="ReturnPaths"/>, the tracer's too): from the host's
    /// routes, else its addresses; null when neither is known.
    /// </summary>
    public ReturnPaths? Returns => ReturnSource?.Value;

    /// <summary>Made on first use: only a ruleset with a reverse-path check asks.</summary>
    private Lazy<ReturnPaths>? ReturnSource { get; init; }

    /// <summary>
    /// Knowledge of a host given as its local addresses (a set: the audit's model host, whose every
    /// address outside the container subnets may be local) and, optionally, the addresses whose
    /// connected routes it has and the members of its ipsets.
    /// </summary>
    /// <param name="routes">The host's routes, when read whole: they answer for the interfaces they name.</param>
    public static HostKnowledge Of(IntervalSet? local, IEnumerable<InterfaceAddress>? connected, IpFamily family, Routing.RoutingTable? routes = null,
        ImmutableDictionary<string, IpSetMembers>? ipSets = null)
    {
        var addresses = local is not null && connected is not null ? new AddressReturns(connected, family, local) : null;
        return new(local, ipSets is null ? ImmutableDictionary<string, IntervalSet>.Empty : SetsOf(ipSets, family))
        {
            IpSetMembers = ipSets ?? ImmutableDictionary<string, IpSetMembers>.Empty,
            ReturnSource = addresses is not null || routes is { Complete: true } ? new(() => ReturnPaths.Of(routes, addresses, family)!) : null,
        };
    }

    public static HostKnowledge From(EvaluationContext context, IpFamily family)
    {
        var local = context.Addresses is { } addresses ? ReversePathCheck.Local(addresses, family) : null;

        // The routes, when known, are built once per table (RouteReturns.Of) and name their devices now.
        var routed = context.Routes is { Complete: true } routes ? Routing.RouteReturns.Of(routes, family) : null;
        var addressed = context.Addresses?.Where(a => a.Family == family).Select(a => a.Interface);
        return new HostKnowledge(local, SetsOf(context.IpSets, family))
        {
            IpSetMembers = context.IpSets,
            AddressedInterfaces = addressed is null && routed is null ? null
                : [.. (addressed ?? []).Concat(routed?.Interfaces ?? []).Distinct(StringComparer.Ordinal)],
            ReturnSource = routed is not null || context.Addresses is not null ? new(() => ReturnPaths.Of(context, family)!) : null,
        };
    }

    // No interface's name: how an other-symbol (names nothing lists) is answered.
    private const string Unlisted = "\0unlisted";

    // A set's members of the family as one set of the address dimension (those of the other family never match),
    // by the listing's comparer: it says why the members of a set not among them are not known (IpSetGaps).
    private static ImmutableDictionary<string, IntervalSet> SetsOf(ImmutableDictionary<string, IpSetMembers> sets, IpFamily family) =>
        sets.ToImmutableDictionary(kv => kv.Key, kv => IntervalSet.FromRanges(kv.Value.Addresses.Where(m => m.Family == family)
            .Select(RuleCompiler.Intervals).OfType<IntervalSet>().SelectMany(m => m.Ranges)), sets.KeyComparer);

    /// <summary>
    /// The parts of <paramref name="shapes"/> where the reverse-path check makes the rule match:
    /// certainly (the sources that fail it, for <c>--invert</c>; that pass it, else), and where the
    /// knowledge leaves it open. Interfaces answered alike share one region of the input dimension.
    /// </summary>
    public (RuleShape[] Certain, RuleShape[] Open) ReversePath(RuleShape[] shapes, ReversePathCheck check, PacketSpace space)
    {
        var paths = Returns!;
        var maxSrc = space.MaxOf(Dimension.Src);
        var regions = new Dictionary<ReturnSources, List<UInt128>>();
        for (var symbol = 0; symbol < space.Interfaces.Count; symbol++)
        {
            var answer = paths.For(space.Interfaces.IsOther(symbol) ? Unlisted : space.Interfaces.KeyOf(symbol), check);
            if (!regions.TryGetValue(answer, out var symbols)) regions[answer] = symbols = [];
            symbols.Add((UInt128)symbol);
        }

        var (certain, open) = (new List<RuleShape>(), new List<RuleShape>());
        foreach (var (answer, symbols) in regions)
        {
            var inputs = IntervalSet.FromValues(symbols);
            var matching = check.Inverted ? answer.Passing.Union(answer.Undecided).Complement(maxSrc) : answer.Passing;
            foreach (var shape in shapes)
            {
                Add(certain, shape, inputs, matching);
                Add(open, shape, inputs, answer.Undecided);
            }
        }

        return ([.. certain], [.. open]);
    }

    private static void Add(List<RuleShape> into, RuleShape shape, IntervalSet inputs, IntervalSet sources)
    {
        if (sources.IsEmpty) return;
        var cut = shape.With(Dimension.In, inputs).With(Dimension.Src, sources);
        if (cut.Constraints.All(c => !c.Set.IsEmpty)) into.Add(cut);
    }
}
