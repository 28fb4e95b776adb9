namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A 32-bit mark as the walk knows it, bit by bit, in terms of what the packet arrived with: a bit of
/// <see cref="FromPacket"/> is the arriving packet mark's bit, one of <see cref="FromConnection"/> the
/// arriving connection mark's, one of <see cref="Unknown"/> is not known, any other is constant; every
/// known bit is then flipped by <see cref="Flip"/>. The three sets are disjoint and an unknown bit's flip
/// is 0, so two equal marks are equal records (flows of one view merge).
/// MARK and CONNMARK only ever move a bit to the same position (xt_connmark's shifts are left undecided),
/// so each bit of the packet mark and of the connection mark is one of these at every rule.
/// </summary>
internal readonly record struct MarkBits(uint FromPacket, uint FromConnection, uint Unknown, uint Flip)
{
    /// <summary>The packet mark as it arrived.</summary>
    public static MarkBits ArrivedPacket { get; } = new(uint.MaxValue, 0, 0, 0);

    /// <summary>The connection mark as it was when the packet arrived.</summary>
    public static MarkBits ArrivedConnection { get; } = new(0, uint.MaxValue, 0, 0);

    /// <summary>The bits that are constant.</summary>
    public uint Constant => ~(FromPacket | FromConnection | Unknown);

    /// <summary>Every bit outside <paramref name="mask"/> made 0 (a constant).</summary>
    public MarkBits And(uint mask) => new(FromPacket & mask, FromConnection & mask, Unknown & mask, Flip & mask);

    /// <summary>
    /// The bitwise XOR of two marks: a constant flips the other's bit; a bit of the same origin twice
    /// cancels to a constant; bits of two origins (or an unknown one) are unknown.
    /// </summary>
    public MarkBits Xor(MarkBits other)
    {
        var (ca, cb) = (Constant, other.Constant);
        var unknown = Unknown | other.Unknown | (FromPacket & other.FromConnection) | (FromConnection & other.FromPacket);
        var packet = ((FromPacket & cb) | (other.FromPacket & ca)) & ~unknown;
        var connection = ((FromConnection & cb) | (other.FromConnection & ca)) & ~unknown;
        return new(packet, connection, unknown, (Flip ^ other.Flip) & ~unknown);
    }

    /// <summary><c>(mark &amp; ~mask) ^ value</c>: MARK's and CONNMARK's set (<c>--set-xmark value/mask</c>).</summary>
    public MarkBits Set(uint value, uint mask) => And(~mask).Xor(Constant32(value));

    /// <summary>
    /// The arriving connection mark's bits given what it was: 0 for a packet that opened its connection
    /// (nf_conntrack's new entry starts with mark 0, <c>__nf_conntrack_alloc</c> zeroing it), unknown otherwise.
    /// </summary>
    public MarkBits Resolved(bool opening) => opening
        ? this with { FromConnection = 0 }
        : new(FromPacket, 0, Unknown | FromConnection, Flip & ~FromConnection);

    /// <summary>
    /// The marks of arrival, as a set of the arriving packet's marks, for which this mark lies in
    /// <paramref name="tested"/>: null when a tested bit is unknown (or comes from the arriving connection
    /// mark, which the caller resolves first); a cube whose constant bits disagree drops out.
    /// </summary>
    public BitCubeSet? Preimage(BitCubeSet tested)
    {
        var result = BitCubeSet.Empty;
        foreach (var cube in tested.Cubes)
        {
            if (((cube.Value ^ Flip) & cube.Mask & Constant) != 0) continue;
            if ((cube.Mask & (Unknown | FromConnection)) != 0) return null;
            var passed = cube.Mask & FromPacket;
            result = result.Union(BitCubeSet.Of((cube.Value ^ Flip) & passed, passed));
        }

        return result;
    }

    private static MarkBits Constant32(uint value) => new(0, 0, 0, value);
}
