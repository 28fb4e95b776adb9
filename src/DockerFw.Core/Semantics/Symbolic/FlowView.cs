namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// How the packets of a flow look now compared with how they arrived: DNAT/REDIRECT replaced the
/// destination and port by one of a set of values, MARK rewrote the mark as <c>(m &amp; Keep) ^ Flip</c>
/// (bits in <see cref="MarkUnknown"/> came from the connection mark and are not known), and NAT or
/// NOTRACK changed the conntrack state. Boxes stay in arrival terms; a rule's condition is pulled back
/// through the view, so regions always partition the query itself.
/// </summary>
internal sealed record FlowView(IntervalSet? Dst, IntervalSet? Dport, uint MarkKeep, uint MarkFlip, uint MarkUnknown, StateMap? States)
{
    /// <summary>
    /// The hook at which a nat rule bound the connection (null: none yet). The kernel runs a hook's nat
    /// chains by priority only until one binds (nf_nat_inet_fn): Docker's SNAT at priority 100 keeps
    /// firewalld's MASQUERADE at 110 from ever running, whatever the address it would pick.
    /// </summary>
    public string? NatBoundAt { get; init; }

    /// <summary>
    /// The connection mark now, bit by bit (<see cref="ConnectionMarks"/>); null: as the packet found it,
    /// no CONNMARK having run.
    /// </summary>
    public MarkBits? Connection { get; init; }

    /// <summary>The packet mark now, as <see cref="MarkBits"/> (never from the connection mark: restoring resolves it).</summary>
    public MarkBits Packet => new(MarkKeep & ~MarkUnknown, 0, MarkUnknown, MarkFlip & ~MarkUnknown);

    public FlowView WithPacket(MarkBits mark) => this with { MarkKeep = mark.FromPacket, MarkFlip = mark.Flip, MarkUnknown = mark.Unknown | mark.FromConnection };

    public static FlowView Identity { get; } = new(null, null, uint.MaxValue, 0, 0, null);

    public bool IsIdentity => ReferenceEquals(this, Identity);

    public FlowView WithMark(uint value, uint mask) => this with
    {
        MarkKeep = MarkKeep & ~mask,
        MarkFlip = (MarkFlip & ~mask) ^ value,
        MarkUnknown = MarkUnknown & ~mask,
    };

    public FlowView WithUnknownMark(uint mask) => this with { MarkUnknown = MarkUnknown | mask };

    public FlowView WithState(Func<int, int> change) => this with { States = StateMap.Of(change, States) };

    /// <summary>
    /// The arrival-time condition equivalent to <paramref name="set"/> on dimension <paramref name="d"/>
    /// now: null when it always holds; <see cref="IntervalSet.Empty"/> when it never does. A condition
    /// on a NAT-chosen value that holds for some choices only is undecidable (<paramref name="doubt"/>).
    /// </summary>
    public IntervalSet? Pull(Dimension d, IntervalSet set, ref bool doubt)
    {
        switch (d)
        {
            case Dimension.Dst when Dst is not null:
                return Chosen(Dst, set, ref doubt);
            case Dimension.Dport when Dport is not null:
                return Chosen(Dport, set, ref doubt);
            case Dimension.State when States is not null:
                return States.Preimage(set);
            default:
                return set;
        }
    }

    public BitCubeSet? PullMark(BitCubeSet set, ref bool doubt)
    {
        if (set.IsAll) return null;
        if (MarkUnknown != 0 && set.Cubes.Any(c => (c.Mask & MarkUnknown) != 0))
        {
            doubt = true;
            return null;
        }

        return MarkKeep == uint.MaxValue && MarkFlip == 0 ? set : set.Preimage(MarkKeep, MarkFlip);
    }

    private static IntervalSet? Chosen(IntervalSet chosen, IntervalSet set, ref bool doubt)
    {
        if (!chosen.Overlaps(set)) return IntervalSet.Empty;
        if (chosen.IsSubsetOf(set)) return null;
        doubt = true;
        return null;
    }
}
