using System.Runtime.CompilerServices;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// What a question knows of the connection its ESTABLISHED packets belong to, and the packets do not
/// show: their direction and, field by field, the connection's original tuple (conntrack's tuple of
/// the packet that opened it, before NAT). A reply the audit asks is a REPLY packet of the opening it
/// mirrors; a request's later packet an ORIGINAL one of the opening it follows. Given to a walk
/// (<see cref="SymbolicEngine.Reach(SymbolicRuleset, PacketPath, PacketSet, ToldConnection?)"/>), it
/// decides <c>--ctdir</c> and <c>--ctorig*</c> on those packets (<see cref="OriginalTupleConditions.Decide"/>),
/// which stay in doubt for a packet of unknown origin.
/// </summary>
/// <param name="Reply">The packets travel in the REPLY direction (else ORIGINAL).</param>
public sealed record ToldConnection(bool Reply, TupleField Src, TupleField Dst, TupleField Sport, TupleField Dport)
{
    /// <summary>
    /// Later packets of the openings they follow, walked as they arrive: the ORIGINAL direction, whose
    /// packets carry the original tuple as it arrived (NAT changes them only after).
    /// </summary>
    public static ToldConnection Original { get; } = new(false, TupleField.Carried(Dimension.Src), TupleField.Carried(Dimension.Dst),
        TupleField.Carried(Dimension.Sport), TupleField.Carried(Dimension.Dport));

    /// <summary>
    /// Replies as <see cref="Audit.Analysis.ReplyFate.Mirror"/> makes them of the openings (as they arrived,
    /// or de-NATed as FORWARD sees them): the REPLY direction, the original tuple the reply's own fields
    /// swapped (its destination is the opening's source, its source port the opening's destination port).
    /// </summary>
    public static ToldConnection Replies { get; } = new(true, TupleField.Carried(Dimension.Dst), TupleField.Carried(Dimension.Src),
        TupleField.Carried(Dimension.Dport), TupleField.Carried(Dimension.Sport));

    /// <summary>
    /// The same, but for one field of the original tuple that the packets do not carry (NAT replaced it:
    /// a published port's replies come from the container, their connection's destination was the
    /// host's port), known to be among <paramref name="values"/>.
    /// </summary>
    public ToldConnection Knowing(Dimension field, IntervalSet values) => field switch
    {
        Dimension.Src => this with { Src = TupleField.Among(values) },
        Dimension.Dst => this with { Dst = TupleField.Among(values) },
        Dimension.Sport => this with { Sport = TupleField.Among(values) },
        Dimension.Dport => this with { Dport = TupleField.Among(values) },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a field of a connection's tuple"),
    };

    /// <summary>The original tuple's field that a condition on <paramref name="field"/> (in arrival terms) tests.</summary>
    internal TupleField Field(Dimension field) => field switch
    {
        Dimension.Src => Src,
        Dimension.Dst => Dst,
        Dimension.Sport => Sport,
        _ => Dport,
    };

    /// <summary>
    /// Whether some rule tests a connection's direction or original tuple (<c>--ctdir</c>, <c>--ctorig*</c>):
    /// only then does a question need to walk replies and later packets apart.
    /// </summary>
    public static bool Tested(SymbolicRuleset rules) => Testing.GetValue(rules.Source, source => new StrongBox<bool>(Scan(source))).Value;

    private static readonly ConditionalWeakTable<Model.Ruleset, StrongBox<bool>> Testing = new();

    private static bool Scan(Model.Ruleset ruleset) =>
        ruleset.Tables.SelectMany(t => t.Chains).SelectMany(c => c.Rules).SelectMany(r => r.Matches)
            .Any(m => m is Model.Matches.ModuleOptionMatch { Module: "conntrack", Name: "--ctdir" or "--ctorigsrc" or "--ctorigdst" or "--ctorigsrcport" or "--ctorigdstport" });
}

/// <summary>
/// One field of a connection's original tuple as a question knows it: carried by the packet's own
/// field <see cref="Carrier"/> (as the packet arrived), or only known to be among <see cref="Values"/>.
/// </summary>
public sealed record TupleField(Dimension? Carrier, IntervalSet? Values)
{
    public static TupleField Carried(Dimension carrier) => new(carrier, null);

    public static TupleField Among(IntervalSet values) => new(null, values);
}
