using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Routing;

/// <summary>
/// Routes a packet as the kernel does when the user did not name its path: a packet from one of the
/// host's addresses is sent by a local process (OUTPUT); any other arrives (on <c>--in</c>, else the
/// interface its source is routed through), goes through PREROUTING, where DNAT may rewrite its
/// destination, and only then is routed: to a local address it is delivered (INPUT), elsewhere it is
/// forwarded out of the route's interface. docs/cli.md, `dockerfw trace`, says what it decides.
/// </summary>
public static class PacketRouting
{
    /// <param name="fallback">The path taken when routing cannot decide (the notes say why).</param>
    public static RouteDecision Decide(Ruleset ruleset, Packet packet, RoutingTable table, EvaluationContext context, PacketPath fallback)
    {
        var notes = ImmutableArray.CreateBuilder<string>();
        if (packet.InInterface is null && IsLocal(table, context, packet.Family, packet.Source) == true)
            return Outbound(ruleset, packet, table, context, notes);

        var @in = packet.InInterface;
        if (@in is null)
        {
            var back = table.Lookup(packet.Family, packet.Source);
            @in = back is { Type: RouteType.Unicast } ? back.Device : null;
            if (@in is null) notes.Add($"the interface {Format(packet.Source, packet)} arrives on is not known from the routes: give --in");
        }

        // Routing happens after PREROUTING: follow the packet there to learn the destination DNAT gave it.
        var arriving = packet with { InInterface = @in };
        if (AfterPrerouting(ruleset, arriving, context) is not { } destination)
        {
            notes.Add("the rules give the packet more than one destination in PREROUTING (uncertain DNAT): routed as " + fallback.ToString().ToUpperInvariant());
            return new RouteDecision(fallback, @in, null, null, false, notes.ToImmutable());
        }

        var route = table.Lookup(packet.Family, destination);
        var shown = Format(destination, packet) + (destination != packet.Destination ? " (after DNAT)" : "");
        switch (route)
        {
            case { Type: RouteType.Local or RouteType.Broadcast or RouteType.Anycast }:
                return new RouteDecision(PacketPath.Input, @in, null, route, false, notes.ToImmutable());
            case { Type: RouteType.Unroutable }:
                return new RouteDecision(PacketPath.Forward, @in, null, route, true, notes.ToImmutable());
            case { Type: RouteType.Unicast }:
                return new RouteDecision(PacketPath.Forward, @in, route.Device, route, false, notes.ToImmutable());
        }

        if (table.Complete)
        {
            notes.Add($"no route to {shown}: the kernel answers 'network unreachable'");
            return new RouteDecision(PacketPath.Forward, @in, null, null, true, notes.ToImmutable());
        }

        if (IsLocal(table, context, packet.Family, destination) == false)
        {
            notes.Add($"{shown} is not on a connected subnet and the default route is not known (give --routes): forwarded, output interface unknown");
            return new RouteDecision(PacketPath.Forward, @in, null, null, false, notes.ToImmutable());
        }

        notes.Add($"whether {shown} is an address of this host is not known (give --routes or --host-address): traced as {fallback.ToString().ToUpperInvariant()}");
        return new RouteDecision(fallback, @in, null, null, false, notes.ToImmutable());
    }

    /// <summary>
    /// Sent by a local process: routed by its destination, then rerouted when OUTPUT's DNAT changes it
    /// (ip_route_me_harder). A packet to the host itself leaves by lo.
    /// </summary>
    private static RouteDecision Outbound(Ruleset ruleset, Packet packet, RoutingTable table, EvaluationContext context, ImmutableArray<string>.Builder notes)
    {
        var route = table.Lookup(packet.Family, packet.Destination);
        var first = OutOf(route);
        var traced = PacketTracer.Trace(ruleset, packet with { OutInterface = first ?? packet.OutInterface }, PacketPath.Output, context);
        var destinations = traced.Outcomes.Where(o => o.Hook != "OUTPUT" || o.Verdict == PacketVerdict.Accept).Select(o => o.Packet.Destination).Distinct().ToList();
        if (destinations is [var after] && after != packet.Destination)
        {
            route = table.Lookup(packet.Family, after);
            notes.Add($"OUTPUT's DNAT sends it to {Format(after, packet)}: rerouted");
        }

        if (route is null && table.Complete)
        {
            notes.Add("no route: the kernel answers 'network unreachable'");
            return new RouteDecision(PacketPath.Output, null, null, null, true, notes.ToImmutable());
        }

        if (route is null) notes.Add("the output interface is not known from the routes (give --routes or --out)");
        return new RouteDecision(PacketPath.Output, null, OutOf(route), route, route?.Type == RouteType.Unroutable, notes.ToImmutable());
    }

    private static string? OutOf(Route? route) => route switch
    {
        { Type: RouteType.Local or RouteType.Broadcast or RouteType.Anycast } => "lo",
        { Type: RouteType.Unicast } => route.Device,
        _ => null,
    };

    /// <summary>The destination every way through PREROUTING agrees on; null when the rules leave more than one.</summary>
    private static UInt128? AfterPrerouting(Ruleset ruleset, Packet packet, EvaluationContext context)
    {
        // Delivered locally the packet meets PREROUTING then INPUT, whose nat can only change the
        // source: the destination it ends with is the one PREROUTING gave it. Outcomes ended in
        // PREROUTING never reach routing.
        var traced = PacketTracer.Trace(ruleset, packet, PacketPath.Input, context);
        var reaching = traced.Outcomes.Where(o => o.Hook != "PREROUTING").Select(o => o.Packet.Destination).Distinct().ToList();
        return reaching switch
        {
            [] => packet.Destination,
            [var only] => only,
            _ => null,
        };
    }

    /// <summary>Whether an address is the host's: by the routes' local table, else the addresses when they are complete; null when unknown.</summary>
    private static bool? IsLocal(RoutingTable table, EvaluationContext context, IpFamily family, UInt128 address)
    {
        if (table.Lookup(family, address) is { Type: RouteType.Local }) return true;
        if (IsLoopback(family, address)) return true;
        if (table.Complete) return false;
        if (context.Addresses is { } known) return known.Any(a => a.Family == family && a.Address == address);
        return null;
    }

    private static bool IsLoopback(IpFamily family, UInt128 address) =>
        family == IpFamily.V4 ? address >> 24 == 127 : address == 1;

    private static string Format(UInt128 address, Packet packet) => IpAddressValue.Format(address, packet.Family);
}
