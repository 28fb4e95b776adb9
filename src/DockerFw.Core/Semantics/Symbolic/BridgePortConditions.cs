using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A rule's <c>-m physdev</c> matches, judged as physdev_mt does (xt_physdev.c) from what the packet's
/// interfaces tell, in three regions of the input and output interfaces:
/// <list type="bullet">
/// <item>Made here (no input interface): br_netfilter attached no bridge ports, so every option is
/// false, and true negated.</item>
/// <item>In and out by different interfaces (or in only, to this host): routed, so no bridge output
/// port (br_netfilter sets it only on a frame the bridge switches): <c>--physdev-is-bridged</c>,
/// <c>--physdev-is-out</c> and <c>--physdev-out</c> are false (negated: true, but for
/// <c>! --physdev-out</c>, which fails on a packet that came in by a bridge port).</item>
/// <item>In and out by one interface: switched by a bridge, or routed back out of it (hairpin), which
/// the header does not tell; and whether the input interface is a bridge at all (<c>--physdev-is-in</c>),
/// and by which port (<c>--physdev-in/--physdev-out NAME</c>), is not known to the engine: in doubt.</item>
/// </list>
/// The conditions sit on the arrival dimensions: interfaces no NAT rewrites, and which a hook without
/// one (POSTROUTING's input for iptables) still knows here (br_netfilter keeps the ports).
/// </summary>
internal sealed record BridgePortConditions(Truth Local, Truth Routed, Truth Looped)
{
    /// <summary>Beyond this many interfaces in one shape the one-interface region is not spelt out: in doubt.</summary>
    private const int MaxLooped = 256;

    public const string Doubt = "-m physdev: whether a packet in and out by one interface was switched by a bridge or routed back out of it, and which interfaces are bridges or bridge ports, is not in the packet (decided where it was made here or routed between two interfaces)";

    /// <summary>The rule's physdev matches together; null when it has none.</summary>
    public static BridgePortConditions? Of(Rule rule)
    {
        BridgePortConditions? all = null;
        foreach (var match in rule.Matches)
        {
            BridgePortConditions? one = match switch
            {
                PhysdevFlagMatch { Flag: PhysdevFlag.IsBridged or PhysdevFlag.IsOut } => new(False, False, Truth.Maybe),
                PhysdevFlagMatch => new(False, Truth.Maybe, Truth.Maybe),
                PhysdevInterfaceMatch { Direction: Direction.Out } when !match.Negated => new(False, False, Truth.Maybe),
                PhysdevInterfaceMatch => new(False, Truth.Maybe, Truth.Maybe),
                _ => null,
            };
            if (one is null) continue;
            // Negated, what no bridge port makes false holds; the rest stays in doubt.
            if (match.Negated) one = new BridgePortConditions(one.Local.Not(), match is PhysdevInterfaceMatch ? Truth.Maybe : one.Routed.Not(), Truth.Maybe);
            all = all is null ? one : new(And(all.Local, one.Local), And(all.Routed, one.Routed), And(all.Looped, one.Looped));
        }

        return all;
    }

    private const Truth False = Truth.False;

    // Truth's order is False < Maybe < True: a conjunction is the least.
    private static Truth And(Truth x, Truth y) => x < y ? x : y;

    /// <summary>The rule's shapes cut by the regions: where the matches hold, and where they may (<paramref name="open"/>: a part of the result).</summary>
    public RuleShape[] Split(RuleShape[] shapes, PacketSpace space, out RuleShape[] open)
    {
        var (sure, maybe) = (new List<RuleShape>(), new List<RuleShape>());
        var none = (UInt128)space.Interfaces.NoInterface;
        var all = space.Full(Dimension.In);
        void Add(Truth truth, RuleShape shape, params (Dimension, IntervalSet)[] region)
        {
            if (truth == False) return;
            var cut = shape with { Arrival = [.. shape.Arrival, .. region] };
            if (cut.Arrival.Any(a => a.Set.IsEmpty)) return;
            (truth == Truth.True ? sure : maybe).Add(cut);
        }

        foreach (var shape in shapes)
        {
            Add(Local, shape, (Dimension.In, IntervalSet.Single(none)));
            var arriving = (shape.Constraints.Where(c => c.Dimension == Dimension.In).Select(c => c.Set).FirstOrDefault() ?? all).Subtract(IntervalSet.Single(none));
            if (Routed == Looped || arriving.Cardinality > MaxLooped)
            {
                Add(Routed == Looped ? Routed : Truth.Maybe, shape, (Dimension.In, arriving));
                continue;
            }

            // One region per input interface: out by the same one, or by any other.
            foreach (var (first, last) in arriving.Ranges)
                for (var s = first; s <= last; s++)
                {
                    var one = IntervalSet.Single(s);
                    Add(Looped, shape, (Dimension.In, one), (Dimension.Out, one));
                    Add(Routed, shape, (Dimension.In, one), (Dimension.Out, all.Subtract(one)));
                }
        }

        open = [.. maybe];
        return [.. sure, .. maybe];
    }

    private static IntervalSet Of(RuleShape shape, Dimension d, IntervalSet all) =>
        shape.Constraints.Where(c => c.Dimension == d).Select(c => c.Set).FirstOrDefault() ?? all;
}
