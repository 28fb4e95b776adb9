using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// What the nat table does to the first packet of a connection, and what conntrack does to the
/// later ones. The kernel picks one address and port out of a range; the engine does not guess
/// which and marks the field unknown instead.
/// </summary>
internal static class NatEffects
{
    /// <summary>Applies a NAT target; false when the kernel drops the packet (no address to use).</summary>
    public static bool Apply(Branch b, NatAction nat, EvaluationContext context, RuleRef rule)
    {
        var destinationPoint = b.Hook.IsDestinationNatPoint();
        switch (nat.Kind)
        {
            case NatKind.Dnat when destinationPoint:
                SetAddress(b, AddressField.Destination, Single(nat.To?.First, nat.To?.Last), nat.To?.First is null, nat.To?.Ports, NatKind.Dnat, rule,
                    nat.To?.First is { } first ? (first, nat.To.Last ?? first) : null);
                return true;
            case NatKind.Snat when !destinationPoint:
                SetAddress(b, AddressField.Source, Single(nat.To?.First, nat.To?.Last), nat.To?.First is null, nat.To?.Ports, NatKind.Snat, rule);
                return true;
            case NatKind.Redirect when destinationPoint:
                return Redirect(b, nat, context, rule);
            case NatKind.Masquerade when b.Hook == Hook.Postrouting:
                return Masquerade(b, nat, context, rule);
            case NatKind.Netmap:
                var field = destinationPoint ? AddressField.Destination : AddressField.Source;
                var current = field == AddressField.Source ? b.Source : b.Destination;
                var mapped = (current & ~nat.Netmap!.Mask & b.Family.AllOnes()) | nat.Netmap.Address;
                SetAddress(b, field, mapped, false, null, NatKind.Netmap, rule);
                return true;
            default:
                return true;
        }
    }

    private static bool Redirect(Branch b, NatAction nat, EvaluationContext context, RuleRef rule)
    {
        UInt128? address;
        if (b.Hook == Hook.Output) address = b.Family == IpFamily.V4 ? 0x7f000001u : UInt128.One;
        else
        {
            var addresses = context.AddressesOf(b.InInterface ?? "", b.Family).ToList();
            if (context.AddressesKnown && addresses.Count == 0) return false;
            address = addresses.Count > 0 ? addresses[0].Address : null;
        }

        SetAddress(b, AddressField.Destination, address, false, nat.ToPorts, NatKind.Redirect, rule);
        return true;
    }

    private static bool Masquerade(Branch b, NatAction nat, EvaluationContext context, RuleRef rule)
    {
        var addresses = context.AddressesOf(b.OutInterface ?? "", b.Family).ToList();
        if (context.AddressesKnown && addresses.Count == 0) return false;

        // With several addresses the kernel picks by the next hop, which the engine does not know.
        UInt128? address = addresses.Count == 1 ? addresses[0].Address : null;
        SetAddress(b, AddressField.Source, address, false, nat.ToPorts, NatKind.Masquerade, rule);
        return true;
    }

    public static void ApplyConntrack(Branch b, Hook hook)
    {
        if (b.ConntrackNat is not { } nat) return;
        if (hook.IsDestinationNatPoint())
        {
            if (nat.Destination is { } d) (b.Destination, b.Unknown) = (d, b.Unknown & ~PacketFields.Destination);
            if (nat.DestinationPort is { } dp) (b.DestinationPort, b.Unknown) = (dp, b.Unknown & ~PacketFields.DestinationPort);
            if (nat.Destination is not null || nat.DestinationPort is not null)
                b.AddNat(new NatRewrite(NatKind.Conntrack, AddressField.Destination, nat.Destination, nat.DestinationPort, null));
        }
        else
        {
            if (nat.Source is { } s) (b.Source, b.Unknown) = (s, b.Unknown & ~PacketFields.Source);
            if (nat.SourcePort is { } sp) (b.SourcePort, b.Unknown) = (sp, b.Unknown & ~PacketFields.SourcePort);
            if (nat.Source is not null || nat.SourcePort is not null)
                b.AddNat(new NatRewrite(NatKind.Conntrack, AddressField.Source, nat.Source, nat.SourcePort, null));
        }
    }

    private static UInt128? Single(UInt128? first, UInt128? last) =>
        first is { } f && (last is null || last == f) ? f : null;

    /// <summary>
    /// Rewrites one side of the packet. <paramref name="address"/> null: the new address is unknown,
    /// unless <paramref name="keepAddress"/> (a range with ports only).
    /// </summary>
    /// <param name="range">The addresses a DNAT chooses among, when <paramref name="address"/> is not one.</param>
    private static void SetAddress(Branch b, AddressField field, UInt128? address, bool keepAddress, PortRange? ports, NatKind kind, RuleRef rule,
        (UInt128 First, UInt128 Last)? range = null)
    {
        if (field == AddressField.Destination)
        {
            b.DestinationNatted = true;
            if (!keepAddress) b.NatDestinations = address is { } chosen ? (chosen, chosen) : range;
            if (ports is not null && ProtocolNumbers.HasPorts(b.Protocol)) b.NatPorts = ports;
        }

        var source = field == AddressField.Source;
        var addressField = source ? PacketFields.Source : PacketFields.Destination;
        var portField = source ? PacketFields.SourcePort : PacketFields.DestinationPort;
        var before = (source ? b.Source : b.Destination, source ? b.SourcePort : b.DestinationPort, b.Unknown);

        if (!keepAddress)
        {
            if (address is { } a)
            {
                if (source) b.Source = a;
                else b.Destination = a;
            }
            else b.Unknown |= addressField;
        }

        int? port = null;
        if (ports is not null && ProtocolNumbers.HasPorts(b.Protocol))
        {
            if (ports.First == ports.Last)
            {
                port = ports.First;
                if (source) b.SourcePort = port;
                else b.DestinationPort = port;
                b.Unknown &= ~portField;
            }
            else b.Unknown |= portField;
        }

        var after = (source ? b.Source : b.Destination, source ? b.SourcePort : b.DestinationPort, b.Unknown);
        if (after != before) b.State |= source ? ConntrackStates.Snat : ConntrackStates.Dnat;
        b.AddNat(new NatRewrite(kind, field, b.Knows(addressField) ? (source ? b.Source : b.Destination) : null,
            b.Knows(portField) ? (source ? b.SourcePort : b.DestinationPort) : null, rule));
    }
}
