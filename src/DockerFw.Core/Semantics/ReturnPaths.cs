using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Semantics;

/// <summary>
/// What the reverse-path check (<see cref="ReversePathCheck"/>) answers for a packet that arrived on
/// one interface, as sets of sources: those that certainly pass, those left open; every other source
/// certainly fails.
/// </summary>
public sealed record ReturnSources(IntervalSet Passing, IntervalSet Undecided)
{
    /// <summary>Whether the source passes the check: null when it is left open.</summary>
    public bool? Passes(UInt128 source) => Passing.Contains(source) ? true : Undecided.Contains(source) ? null : false;
}

/// <summary>
/// The one place both engines ask the reverse-path check's answer: the packet tracer per packet
/// (<see cref="Evaluation.ReversePathCondition"/>), the symbolic engine per input interface
/// (<see cref="HostKnowledge"/>). From the host's routes when the context holds them
/// (<see cref="RouteReturns"/>), else from its addresses (<see cref="AddressReturns"/>).
/// </summary>
public abstract class ReturnPaths
{
    /// <summary>The interfaces this knowledge names: any other interface is answered as one it does not name.</summary>
    public abstract IEnumerable<string> Interfaces { get; }

    /// <summary>Why the sources of <see cref="ReturnSources.Undecided"/> are left open.</summary>
    public abstract string Doubt { get; }

    /// <summary>The answer for packets that arrived on <paramref name="input"/>.</summary>
    public abstract ReturnSources For(string input, ReversePathCheck check);

    /// <summary>What the context knows: its routes when complete, else its addresses; null when neither.</summary>
    public static ReturnPaths? Of(EvaluationContext context, IpFamily family) =>
        Of(context.Routes, context.Addresses is { } addresses ? new AddressReturns(addresses, family, ReversePathCheck.Local(addresses, family)) : null, family);

    /// <summary>
    /// The routes' answers for the interfaces they name, the addresses' for the others (the audit's
    /// model host has an uplink of its own, which no real route names); either alone when the other is unknown.
    /// </summary>
    public static ReturnPaths? Of(RoutingTable? routes, AddressReturns? addresses, IpFamily family) =>
        (routes is { Complete: true } ? RouteReturns.Of(routes, family) : null, addresses) switch
        {
            ({ } routed, { } known) => new CombinedReturns(routed, known),
            ({ } routed, null) => routed,
            (null, var known) => known,
        };
}

/// <summary>The routes' answers where they name the interface, the addresses' elsewhere.</summary>
internal sealed class CombinedReturns(RouteReturns routes, AddressReturns addresses) : ReturnPaths
{
    private readonly HashSet<string> routed = [.. routes.Interfaces];

    public override IEnumerable<string> Interfaces => routed.Union(addresses.Interfaces);

    public override string Doubt => routes.Doubt == ReversePathCheck.UndecidedByRoutes
        ? $"{ReversePathCheck.UndecidedByRoutes}; on an interface no route names, {ReversePathCheck.Undecided}"
        : routes.Doubt;

    public override ReturnSources For(string input, ReversePathCheck check) =>
        routed.Contains(input) ? routes.For(input, check) : addresses.For(input, check);
}

/// <summary>
/// Without the routes: the sources whose route back the host's addresses alone give
/// (<see cref="ReversePathCheck.CertainReturns"/>) pass; nothing certainly fails, the rest is open.
/// </summary>
public sealed class AddressReturns(IEnumerable<InterfaceAddress> addresses, IpFamily family, IntervalSet local) : ReturnPaths
{
    private readonly ImmutableDictionary<string, IntervalSet> returns = ReversePathCheck.CertainReturns(addresses, family, local);

    private readonly UInt128 max = family.AllOnes();

    // Loose: a route back by any interface; the same union for every interface, made once.
    private IntervalSet? anyInterface;

    public override IEnumerable<string> Interfaces => returns.Keys;

    public override string Doubt => ReversePathCheck.Undecided;

    public override ReturnSources For(string input, ReversePathCheck check)
    {
        var passing = check.Loose ? anyInterface ??= IntervalSet.FromRanges(returns.Values.SelectMany(s => s.Ranges))
            : returns.TryGetValue(input, out var sources) ? sources : IntervalSet.Empty;
        return new ReturnSources(passing, passing.Complement(max));
    }
}
