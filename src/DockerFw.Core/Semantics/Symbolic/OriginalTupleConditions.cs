using System.Collections.Concurrent;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A rule's <c>-m conntrack --ctorigsrc/--ctorigdst/--ctorigsrcport/--ctorigdstport/--ctdir</c>, judged
/// by the connection's state as conntrack_mt does (xt_conntrack.c):
/// <list type="bullet">
/// <item>No connection (INVALID, UNTRACKED, and every packet in raw, before conntrack): the block
/// holds when it also tests <c>--ctstate</c> (which then passed) and fails otherwise, negated or not;
/// nft's <c>ct original</c> breaks the rule alike.</item>
/// <item>A packet that arrived NEW created its connection here: it travels in the ORIGINAL direction
/// and the original tuple is the packet as it arrived, before any NAT: decided on the arrival
/// dimensions (<see cref="RuleShape.Arrival"/>). A question's NEW packet given as already DNATed
/// (<c>NEW,DNAT</c>) is taken as it arrived too.</item>
/// <item>ESTABLISHED or RELATED: the direction and the connection's tuple are not in the packet, and the
/// walk does not follow a connection's binding to its later packets: the rule may match there
/// (<see cref="Doubt"/>), as a NEW ICMP packet may match a port test (its tuple's "ports" are its id and type),
/// unless the question tells the walk what it knows of the connection (<see cref="ToldConnection"/>):
/// then its ESTABLISHED packets are decided by <see cref="Decide"/>.</item>
/// </list>
/// </summary>
internal sealed record OriginalTupleConditions(
    (Dimension Dimension, IntervalSet Set)[] Arrival, bool Original, bool Reply, bool WithoutConnection, string Doubt)
{
    private static readonly IntervalSet NoConnection = RuleCompiler.States(ConntrackStates.Invalid | ConntrackStates.Untracked);

    // A tracked packet keeps the state it arrived with (NAT on the way adds only its bits): by the state
    // the rule sees, it arrived NEW, or ESTABLISHED or RELATED.
    private static readonly IntervalSet Opening = Base(ConntrackStates.New);
    private static readonly IntervalSet Established = Base(ConntrackStates.Established);
    private static readonly IntervalSet Later = Established.Union(Base(ConntrackStates.Related));

    /// <summary>Whether the option is one of these with a value this reads (the rest stay the compiler's doubt).</summary>
    public static bool Reads(ModuleOptionMatch option, PacketSpace space) =>
        option.Module == "conntrack" && (Direction(option) is not null || OnArrival(option, space) is not null);

    /// <summary>The rule's conditions of this kind; null when it has none or one of them is not read.</summary>
    public static OriginalTupleConditions? Of(Rule rule, PacketSpace space)
    {
        var arrival = new List<(Dimension, IntervalSet)>();
        var (original, reply, withoutConnection) = (true, true, true);
        string? first = null;
        foreach (var block in rule.Blocks)
        {
            var options = block.Matches.OfType<ModuleOptionMatch>().Where(o => Reads(o, space)).ToList();
            if (options.Count == 0) continue;
            withoutConnection &= block.Matches.Any(m => m is ConntrackStateMatch);
            foreach (var option in options)
            {
                first ??= option.Name;
                if (Direction(option) is { } isReply)
                {
                    original &= !isReply;
                    reply &= isReply;
                }
                else
                {
                    var (d, set) = OnArrival(option, space)!.Value;
                    arrival.Add((d, option.Negated ? set.Complement(space.MaxOf(d)) : set));
                }
            }
        }

        if (first is null) return null;
        var doubt = $"-m conntrack {first} tests the connection's original tuple and direction, which a packet that did not open its connection here does not carry (decided for packets that arrive NEW: the packet as it arrived, before NAT)";
        return new([.. arrival], original, reply, withoutConnection, doubt) { Icmp = IntervalSet.Single((UInt128)space.IcmpProtocol) };
    }

    /// <summary>The space's ICMP protocol: a tuple's "ports" are its id and type there, never the packet's port dimensions.</summary>
    private IntervalSet Icmp { get; init; } = IntervalSet.Empty;

    // Decide's answers, per connection told, for the one rule these conditions are of.
    private readonly ConcurrentDictionary<ToldConnection, (RuleShape[] Sure, RuleShape[] Unsure)> _decided = new();

    /// <summary>
    /// The rule's part left open by <see cref="Split"/> (<paramref name="open"/>), for packets of a connection
    /// the question tells: where the rule surely matches, and where it still may. Its ESTABLISHED packets
    /// travel in the told direction (<c>--ctdir</c> decided), and each <c>--ctorig*</c> condition becomes one
    /// on the field that carries the original tuple's (as the packet arrived), or holds or fails for every
    /// value the question knows that field among; a field known only partly inside stays open. RELATED
    /// packets (an ICMP error, a helper's child connection: their direction is not the question's) and an
    /// ICMP tuple's "ports" stay open.
    /// </summary>
    public (RuleShape[] Sure, RuleShape[] Unsure) Decide(ToldConnection told, RuleShape[] open) =>
        _decided.GetOrAdd(told, t => DecideNow(t, open));

    private (RuleShape[] Sure, RuleShape[] Unsure) DecideNow(ToldConnection told, RuleShape[] open)
    {
        var (sure, unsure) = (new List<RuleShape>(), new List<RuleShape>());
        var ports = Arrival.Any(a => a.Dimension is Dimension.Sport or Dimension.Dport);
        var (carried, never, undecided) = (new List<(Dimension, IntervalSet)>(), false, false);
        foreach (var (d, set) in Arrival)
        {
            var field = told.Field(d);
            if (field.Carrier is { } carrier) carried.Add((carrier, set));
            else if (field.Values is not { } values || values.Overlaps(set) && !values.IsSubsetOf(set)) undecided = true;
            else never |= !values.Overlaps(set);
        }

        never |= told.Reply ? !Reply : !Original;
        foreach (var shape in open)
        {
            var established = shape.With(Dimension.State, Established);
            unsure.AddRange(Live([shape.With(Dimension.State, Established.Complement(127))]));
            if (never) continue;
            if (undecided)
            {
                unsure.AddRange(Live([established]));
                continue;
            }

            if (ports) unsure.AddRange(Live([established.With(Dimension.Proto, Icmp)]));
            var decided = ports ? established.With(Dimension.Proto, Icmp.Complement(255)) : established;
            sure.AddRange(Live([decided with { Arrival = [.. decided.Arrival, .. carried] }]));
        }

        return ([.. sure], [.. unsure]);
    }

    /// <summary>
    /// The rule's shapes cut by connection state: where the conditions are decided, and where they may
    /// hold (<paramref name="open"/>: a part of the result).
    /// </summary>
    /// <param name="raw">The chain runs before conntrack: no packet has a connection yet.</param>
    public RuleShape[] Split(RuleShape[] shapes, bool raw, PacketSpace space, out RuleShape[] open)
    {
        open = [];
        if (raw) return WithoutConnection ? shapes : [];
        var parts = new List<RuleShape>();
        if (WithoutConnection) parts.AddRange(shapes.Select(s => s.With(Dimension.State, NoConnection)));
        var later = new List<RuleShape>();
        if (Original || Reply) later.AddRange(shapes.Select(s => s.With(Dimension.State, Later)));
        if (Original)
        {
            var opening = shapes.Select(s => s.With(Dimension.State, Opening)).ToArray();
            // An ICMP tuple's "ports" are its id and type/code, which the space's ICMP packets (port 0) do not carry.
            var icmp = IntervalSet.Single((UInt128)space.IcmpProtocol);
            var ports = Arrival.Any(a => a.Dimension is Dimension.Sport or Dimension.Dport);
            parts.AddRange(opening.Select(s => (ports ? s.With(Dimension.Proto, icmp.Complement(255)) : s) with { Arrival = [.. s.Arrival, .. Arrival] }));
            if (ports) later.AddRange(opening.Select(s => s.With(Dimension.Proto, icmp)));
        }

        open = Live([.. later]);
        return Live([.. parts, .. open]);
    }

    private static IntervalSet Base(ConntrackStates state) =>
        IntervalSet.FromValues(Enumerable.Range(0, 128).Where(v => (v & ~(int)(ConntrackStates.Snat | ConntrackStates.Dnat)) == (int)state).Select(v => (UInt128)v));

    private static RuleShape[] Live(RuleShape[] shapes) =>
        [.. shapes.Where(s => s.Constraints.All(c => !c.Set.IsEmpty) && s.Arrival.All(c => !c.Set.IsEmpty))];

    /// <summary><c>--ctdir</c>: true for REPLY, false for ORIGINAL (negation, which iptables refuses, flips it); null for other options.</summary>
    private static bool? Direction(ModuleOptionMatch option) =>
        option is { Name: "--ctdir", Arguments: [var dir] } && dir.ToUpperInvariant() is "ORIGINAL" or "REPLY"
            ? (dir.ToUpperInvariant() == "REPLY") != option.Negated
            : null;

    /// <summary>A <c>--ctorig*</c> option as a condition on one arrival dimension; null for other options or values.</summary>
    private static (Dimension Dimension, IntervalSet Set)? OnArrival(ModuleOptionMatch option, PacketSpace space)
    {
        var arg = option.Arguments.Length == 1 ? option.Arguments[0] : "";
        switch (option.Name)
        {
            case "--ctorigsrc" or "--ctorigdst":
                if (!AddressMask.TryParse(arg, space.Family, out var mask) || RuleCompiler.Intervals(mask!) is not { } addresses) return null;
                return (option.Name == "--ctorigsrc" ? Dimension.Src : Dimension.Dst, addresses);
            case "--ctorigsrcport" or "--ctorigdstport":
                var parts = arg.Split(':');
                if (parts.Length > 2 || !int.TryParse(parts[0], out var first)) return null;
                var last = first;
                if (parts.Length == 2 && !int.TryParse(parts[1], out last)) return null;
                if (first < 0 || last > 65535 || first > last) return null;
                return (option.Name == "--ctorigsrcport" ? Dimension.Sport : Dimension.Dport, IntervalSet.Range((UInt128)first, (UInt128)last));
            default:
                return null;
        }
    }
}
