using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The interfaces a packet from outside may arrive on (oracle F41): every symbol of the interface
/// dimension that is no bridge of Docker's (of either family, as <see cref="OutboundReplies"/> asks),
/// not loopback and not the missing interface. That is every name the rules use (<c>-i eth0</c> in
/// Docker's documented <c>DOCKER-USER</c> recipe) and the "others" symbols, so an answer about the
/// outside is exact per input interface rather than judged on one uplink no rule names.
/// </summary>
public static class OutsideInterfaces
{
    public static IntervalSet Of(PacketSpace space, AuditInputs inputs) => Of(space, inputs.View.Networks.Select(n => n.Bridge).OfType<string>());

    /// <param name="bridges">Docker's bridges, of either family.</param>
    public static IntervalSet Of(PacketSpace space, IEnumerable<string> bridges)
    {
        // Loopback only when the alphabet names it: an unnamed lo shares the "others" symbol, which
        // no rule tells apart from it and which the outside's packets do arrive on.
        var inside = bridges
            .Aggregate(IntervalSet.Single((UInt128)space.Interfaces.NoInterface), (s, b) => s.Union(space.Interfaces.Matching(new InterfacePattern(b))));
        if (space.Interfaces.SymbolOf("lo") is var lo && !space.Interfaces.IsOther(lo)) inside = inside.Union(IntervalSet.Single((UInt128)lo));
        return inside.Complement(space.MaxOf(Dimension.In));
    }
}
