namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// The conditions of a rule that hold on a union of boxes rather than one set per dimension: an ipset
/// whose members are tuples (<c>-m set --match-set S src,dst</c> on a hash:ip,port) and nft's
/// concatenations (<c>ip daddr . tcp dport @s</c>). They are gathered as one packet set (negated: its
/// complement) and cut the rule's shapes last, one shape per box.
/// </summary>
internal sealed class SetRegions(PacketSpace space)
{
    private PacketSet? _region;

    /// <summary>The packets <paramref name="held"/> holds, this condition's: negated, every other packet.</summary>
    public void Add(PacketSet held, bool negated)
    {
        var whole = PacketSet.Of(space.WholeOfAnyMark());
        var condition = negated ? whole.Subtract(held) : held;
        _region = _region is null ? condition : _region.Intersect(condition);
    }

    /// <summary>The shapes cut by every condition added: each shape once per box of their region.</summary>
    public RuleShape[] Cut(RuleShape[] shapes)
    {
        if (_region is not { } region) return shapes;
        var cut = new List<RuleShape>();
        foreach (var shape in shapes)
            foreach (var box in region.Boxes)
            {
                var piece = shape;
                foreach (var d in Dimensions.All)
                    if (!box[d].Equals(space.Full(d))) piece = piece.With(d, box[d]);
                if (piece.Constraints.All(c => !c.Set.IsEmpty)) cut.Add(piece);
            }

        return [.. cut];
    }
}
