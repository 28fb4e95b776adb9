using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.IpSets;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Turns a rule's conditions into boxes of the packet space. Each condition constrains one dimension
/// (negation is the complement within the dimension), so their conjunction is one box, except
/// multiport <c>--ports</c> (source or destination), which needs two. Conditions the dump cannot decide
/// leave their dimension free and record why: the rule then "may match" inside its boxes.
/// </summary>
internal static class RuleCompiler
{
    // A non-contiguous address mask with more holes than this becomes "may match" rather than
    // thousands of intervals.
    private const int MaxMaskHoleBits = 12;

    /// <param name="nat">For an nft chain: whether it runs under a nat base chain (NAT targets act); null: the iptables table says.</param>
    /// <param name="beforeConntrack">For an nft chain: whether it runs only before conntrack (a base chain below -200), as iptables' raw does.</param>
    public static CompiledRule Compile(string table, Rule rule, PacketSpace space, HostKnowledge host, bool? nat = null, bool beforeConntrack = false)
    {
        var raw = table == "raw" || beforeConntrack;
        var sets = new IntervalSet?[Dimensions.Count];
        BitCubeSet? mark = null;
        string? doubt = null;
        var never = false;
        IntervalSet? eitherPorts = null;
        NatStatus? natStatus = null;
        // -m connmark --mark: the connection marks it holds, decided per flow (ConnectionMarks).
        BitCubeSet? connection = null;
        // --ctorig*, --ctdir: decided by the connection's state, after the other conditions.
        var tuple = OriginalTupleConditions.Of(rule, space);
        // -m physdev: decided by the packet's interfaces where they tell, after the other conditions.
        var bridge = BridgePortConditions.Of(rule);
        // Sets of tuples: a union of boxes, cut last.
        var regions = new SetRegions(space);
        var returningNoMatch = SetMatchOptions.ReturningNoMatch(rule);

        void Constrain(Dimension d, IntervalSet set, bool negated)
        {
            var s = negated ? set.Complement(space.MaxOf(d)) : set;
            sets[(int)d] = sets[(int)d] is { } old ? old.Intersect(s) : s;
        }

        void Doubt(string why) => doubt ??= why;

        // -m rpfilter (nft's fib saddr ... oif): its options say one thing together, decided below.
        ReversePathCheck? reversePath = null;
        foreach (var block in rule.Blocks)
        {
            if (block.Module is not { } module) continue;
            if (!block.Matches.IsEmpty && ReversePathCheck.Of(block) is { } check)
            {
                if (reversePath is null) reversePath = check;
                else Doubt(ReversePathCheck.Undecided);
            }
            else if (BareModules.NeedsExtensionHeader(module)) never = true;
            else if (block.Matches.IsEmpty && !BareModules.MatchesEveryPacket(module)) Doubt($"-m {module} with no option still matches only some packets");
        }

        foreach (var match in rule.Matches)
        {
            switch (match)
            {
                case AddressMatch a when a.Value.Family == space.Family:
                    if (Intervals(a.Value) is { } addrs) Constrain(Field(a.Field), addrs, a.Negated);
                    else Doubt($"the mask {a.Value} has too many holes to enumerate");
                    break;
                case AddressMatch:
                    // nft's `ip daddr` in an inet table implies `meta nfproto ipv4`: no packet of the
                    // other family matches, negated or not.
                    never = true;
                    break;
                case InterfaceMatch i:
                    Constrain(i.Direction == Direction.In ? Dimension.In : Dimension.Out, space.Interfaces.Matching(i.Value), i.Negated);
                    break;
                case ProtocolMatch p when p.Value.IsAll:
                    never |= p.Negated;
                    break;
                case ProtocolMatch p:
                    Constrain(Dimension.Proto, IntervalSet.Single((UInt128)p.Value.Number), p.Negated);
                    break;
                case FragmentMatch f:
                    // The packets reach reasons about are whole or first fragments.
                    never |= !f.Negated;
                    break;
                case PortMatch pm:
                    Constrain(pm.Field == AddressField.Source ? Dimension.Sport : Dimension.Dport, Ports([pm.Range]), pm.Negated);
                    break;
                case MultiportMatch mp when mp.Field == MultiportField.Either && !mp.Negated:
                    eitherPorts = eitherPorts is null ? Ports(mp.Ranges) : eitherPorts.Intersect(Ports(mp.Ranges));
                    break;
                case MultiportMatch mp when mp.Field == MultiportField.Either:
                    Constrain(Dimension.Sport, Ports(mp.Ranges), true);
                    Constrain(Dimension.Dport, Ports(mp.Ranges), true);
                    break;
                case MultiportMatch mp:
                    Constrain(mp.Field == MultiportField.Source ? Dimension.Sport : Dimension.Dport, Ports(mp.Ranges), mp.Negated);
                    break;
                case IcmpTypeMatch icmp when icmp.Type is null:
                    never |= icmp.Negated;
                    break;
                case IcmpTypeMatch { Type: int type, Code: null } icmp:
                    Constrain(Dimension.IcmpType, IntervalSet.Single((UInt128)type), icmp.Negated);
                    break;
                case IcmpTypeMatch icmp:
                    if (!icmp.Negated) Constrain(Dimension.IcmpType, IntervalSet.Single((UInt128)icmp.Type!.Value), false);
                    Doubt("ICMP codes are not a dimension of reach");
                    break;
                case IcmpTypeSetMatch icmp when icmp.Family == space.Family:
                    Constrain(Dimension.IcmpType, IntervalSet.FromValues(icmp.Types.Select(t => (UInt128)t)), icmp.Negated);
                    break;
                case AddressSetMatch set when set.Family == space.Family:
                    if (SetIntervals(set) is { } listed) Constrain(Field(set.Field), listed, set.Negated);
                    else Doubt($"a member of {set.FormatValue()} has too many holes to enumerate");
                    break;
                case ProtocolSetMatch ps:
                    Constrain(Dimension.Proto, IntervalSet.FromValues(ps.Members.Select(m => (UInt128)m.Number)), false);
                    break;
                case InterfaceSetMatch i:
                    Constrain(i.Direction == Direction.In ? Dimension.In : Dimension.Out,
                        i.Members.Aggregate(IntervalSet.Empty, (all, m) => all.Union(space.Interfaces.Matching(m))), false);
                    break;
                case AddressSetMatch or IcmpTypeSetMatch:
                    // ip saddr / icmp type imply their family: never true for a packet of the other one.
                    never = true;
                    break;
                case ConntrackStateMatch cs when raw:
                    Constrain(Dimension.State, BeforeConntrack(cs.States, space), cs.Negated);
                    break;
                case ConntrackStateMatch cs:
                    Constrain(Dimension.State, States(cs.States), cs.Negated);
                    break;
                // Before conntrack no packet has a connection: connmark_mt is false, negated or not.
                case MarkMatch { Connection: true } when raw:
                    never = true;
                    break;
                case MarkMatch { Connection: true } cm:
                    var tested = Cubes(cm);
                    connection = connection is null ? tested : connection.Intersect(tested);
                    break;
                case MarkMatch m:
                    var s = Cubes(m);
                    mark = mark is null ? s : mark.Intersect(s);
                    break;
                case IpRangeMatch r when r.Family == space.Family:
                    Constrain(Field(r.Field), IntervalSet.Range(r.First, r.Last), r.Negated);
                    break;
                case IpRangeMatch:
                    never = true;
                    break;
                case AddrTypeMatch at when host.LocalAddresses is { } local && at.Types is ["LOCAL"]:
                    Constrain(Field(at.Field), local, at.Negated);
                    break;
                case SetMatch set when returningNoMatch.Contains(set) && host.IpSetMembers.TryGetValue(set.SetName, out var all) && all.HoldsAddressSets:
                    Doubt(SetMatchOptions.NoMatchOfAddresses);
                    break;
                // A set of tuples (or a list that holds one): the packets it holds under the match's directions.
                case SetMatch set when host.IpSetMembers.TryGetValue(set.SetName, out var all) && !all.SingleAddress:
                    var held = all.Under(set.Directions, returningNoMatch.Contains(set))
                        .Aggregate(PacketSet.Of(space.WholeOfAnyMark().With(Field(set.Directions[0]), host.IpSets[set.SetName])),
                            (all, t) => all.Union(TupleSetRegion.Of(t, space)));
                    regions.Add(held, set.Negated);
                    break;
                // The known sets test one address: the kernel takes the first direction alone.
                case SetMatch set when host.IpSets.TryGetValue(set.SetName, out var members):
                    Constrain(Field(set.Directions[0]), members, set.Negated);
                    break;
                case TupleSetMatch tupleSet when tupleSet.Set.Family == space.Family:
                    regions.Add(TupleSetRegion.Of(tupleSet.Set, space), tupleSet.Negated);
                    break;
                case TupleSetMatch:
                    // Its payload implies its family: never true for a packet of the other one.
                    never = true;
                    break;
                case ModuleOptionMatch o when SetMatchOptions.Read(o):
                    break;
                case TcpFlagsMatch f:
                    // xt_tcp is TCP's match: `!` inverts the flags test, never the protocol.
                    Constrain(Dimension.Proto, IntervalSet.Single((UInt128)Protocol.Tcp), false);
                    Constrain(Dimension.TcpFlags, Flags(f.Mask, f.Compare), f.Negated);
                    break;
                case CommentMatch:
                    break;
                // nft's `ct status dnat` / `snat` (the parser's --ctstatus): decided where the walk knows the
                // connection's status bits (FlowSplitter); its doubt is named only where it stays undecided.
                case ModuleOptionMatch { Module: "conntrack", Name: "--ctstatus", Arguments: [var bit and ("DNAT" or "SNAT")] } o:
                    natStatus = new NatStatus(bit == "DNAT" ? ConntrackStates.Dnat : ConntrackStates.Snat, !o.Negated, false);
                    break;
                case ModuleOptionMatch { Module: ReversePathCheck.Module } when reversePath is not null:
                    break;
                case ModuleOptionMatch o when tuple is not null && OriginalTupleConditions.Reads(o, space):
                    break;
                case PhysdevInterfaceMatch or PhysdevFlagMatch:
                    break;
                default:
                    Doubt(Undecidable(match, host));
                    break;
            }
        }

        // TargetCompiler lets NAT targets act in the table called nat; an nft chain is nat by its base chain.
        var action = TargetCompiler.Compile(nat is { } n ? (n ? "nat" : "") : table, rule.Target, space, host);
        var reference = ResponsibleRule.Of(table, rule);
        // CONNMARK before conntrack finds no connection and does nothing.
        if (raw && action.Kind == ActionKind.ConnectionMark) action = new(ActionKind.Continue);
        if (never || sets.Any(s => s is { IsEmpty: true }) || mark is { IsEmpty: true } || connection is { IsEmpty: true })
            return new CompiledRule(reference, rule, [], null, action);

        // Interfaces first: on a Docker host they tell most rules apart, so a miss costs one test.
        var constraints = Dimensions.All.Where(d => sets[(int)d] is not null)
            .OrderBy(d => d is Dimension.In or Dimension.Out ? 0 : 1)
            .Select(d => (d, sets[(int)d]!)).ToArray();
        var shape = new RuleShape(constraints, mark);
        RuleShape[] shapes = eitherPorts is null
            ? [shape]
            : [shape.With(Dimension.Sport, eitherPorts), shape.With(Dimension.Sport, eitherPorts.Complement(65535)).With(Dimension.Dport, eitherPorts)];
        shapes = regions.Cut(shapes.Where(s => s.Constraints.All(c => !c.Set.IsEmpty)).ToArray());
        RuleShape[]? doubtful = null;

        // Conditions decided in some parts of the shapes and open in others: the rule is in doubt only
        // there, unless another of its conditions already is everywhere (then, or in two places, everywhere).
        void Narrow(Func<RuleShape[], (RuleShape[] All, RuleShape[] Open)> split, string why)
        {
            var (all, open) = split(shapes);
            if (open.Length > 0)
            {
                doubtful = doubt is null ? open : null;
                Doubt(why);
            }
            else if (doubtful is not null) doubtful = split(doubtful).All;

            shapes = all;
        }

        if (tuple is not null) Narrow(x => (tuple.Split(x, raw, space, out var open), open), tuple.Doubt);
        if (bridge is not null) Narrow(x => (bridge.Split(x, space, out var open), open), BridgePortConditions.Doubt);

        if (reversePath is { } rp)
        {
            // The check asked per input interface of what the host's routes (else its addresses) answer,
            // as the tracer asks it per packet: the rule matches certainly where the answer makes it,
            // and may match where the answer is open; only there is the rule in doubt, unless another
            // of its conditions already is everywhere.
            if (host.Returns is { } returns)
            {
                var (certain, open) = host.ReversePath(shapes, rp, space);
                if (open.Length > 0)
                {
                    // In doubt in two places (an original tuple's and this): everywhere, conservatively.
                    doubtful = doubt is null ? open : null;
                    Doubt(returns.Doubt);
                }
                else if (doubtful is not null)
                {
                    // The original tuple's open part, within what the check leaves of the shapes.
                    doubtful = [.. host.ReversePath(doubtful, rp, space).Certain];
                }

                shapes = [.. certain, .. open];
            }
            else if (shapes.Length > 0)
            {
                doubtful = null;
                Doubt(ReversePathCheck.Undecided);
            }
        }

        if (natStatus is { } status)
        {
            natStatus = status with { OtherDoubt = doubt is not null };
            Doubt(status.Doubt);
        }

        // The original tuple's doubt alone, in the doubtful part: a walk told the connection decides it there.
        var toldDecides = tuple is not null && doubtful is not null && natStatus is null && connection is null && ReferenceEquals(doubt, tuple.Doubt);
        ConnectionMarkTest? connectionMark = null;
        if (connection is not null)
        {
            connectionMark = new ConnectionMarkTest(connection, doubt is not null);
            Doubt(ConnectionMarkTest.Doubt);
        }

        return new CompiledRule(reference, rule, shapes, doubt, action)
        {
            NatStatus = natStatus, Doubtful = doubtful, OriginalTuple = toldDecides ? tuple : null, ConnectionMark = connectionMark,
        };
    }

    /// <summary>
    /// The marks <c>-m mark</c> or <c>-m connmark</c> holds: the kernel compares <c>(mark &amp; mask)</c> with
    /// the value as given, so a value with bits outside the mask holds none; negation applied.
    /// </summary>
    private static BitCubeSet Cubes(MarkMatch m)
    {
        var cubes = (m.Value.Value & ~m.Value.Mask) != 0 ? BitCubeSet.Empty : BitCubeSet.Of(m.Value.Value, m.Value.Mask);
        return m.Negated ? cubes.Complement() : cubes;
    }

    /// <summary>
    /// The flags bytes <c>--tcp-flags MASK COMP</c> holds: xt_tcpudp's <c>(th[13] &amp; mask) == cmp</c>, so a
    /// COMP with a bit outside MASK holds none. On the dimension's order (<see cref="FlagsOrder"/>), where
    /// <c>--syn</c> is one interval.
    /// </summary>
    public static IntervalSet Flags(TcpFlags mask, TcpFlags compare) =>
        FlagsOrder.Of(Enumerable.Range(0, 256).Where(v => (v & (int)mask) == (int)compare));

    private static Dimension Field(AddressField f) => f == AddressField.Source ? Dimension.Src : Dimension.Dst;

    private static IntervalSet Ports(IEnumerable<PortRange> ranges) =>
        IntervalSet.FromRanges(ranges.Select(r => ((UInt128)r.First, (UInt128)r.Last)));

    /// <summary>The state values (a packet's state bits) that share a bit with the match's set.</summary>
    /// <summary>
    /// raw runs before conntrack: a packet has no entry yet and reads INVALID whatever its state will
    /// be, or UNTRACKED once NOTRACK ran (which the flow's view maps the state dimension to).
    /// </summary>
    private static IntervalSet BeforeConntrack(ConntrackStates states, PacketSpace space)
    {
        var untracked = IntervalSet.Single((UInt128)(int)ConntrackStates.Untracked);
        var set = states.HasFlag(ConntrackStates.Untracked) ? untracked : IntervalSet.Empty;
        return states.HasFlag(ConntrackStates.Invalid) ? set.Union(untracked.Complement(space.MaxOf(Dimension.State))) : set;
    }

    public static IntervalSet States(ConntrackStates states) =>
        IntervalSet.FromValues(Enumerable.Range(0, 128).Where(v => (v & (int)states) != 0).Select(v => (UInt128)v));

    private static IntervalSet? SetIntervals(AddressSetMatch set)
    {
        var union = IntervalSet.FromRanges(set.Ranges.Select(r => (r.First, r.Last)));
        foreach (var member in set.Members)
        {
            if (Intervals(member) is not { } one) return null;
            union = union.Union(one);
        }

        return union;
    }

    /// <summary>An address mask as intervals: one per combination of the mask's holes.</summary>
    public static IntervalSet? Intervals(AddressMask mask)
    {
        var all = mask.Family.AllOnes();
        if (mask.Mask == 0) return IntervalSet.Range(0, all);
        var low = (UInt128.One << (int)UInt128.TrailingZeroCount(mask.Mask)) - 1;
        var holes = ~mask.Mask & all & ~low;
        var holeBits = Enumerable.Range(0, mask.Family.Bits()).Where(b => ((holes >> b) & 1) == 1).ToArray();
        if (holeBits.Length > MaxMaskHoleBits) return null;
        var ranges = new List<(UInt128, UInt128)>(1 << holeBits.Length);
        for (var combo = 0; combo < 1 << holeBits.Length; combo++)
        {
            var start = mask.Address;
            for (var i = 0; i < holeBits.Length; i++)
                if ((combo >> i & 1) == 1) start |= UInt128.One << holeBits[i];
            ranges.Add((start, start | low));
        }

        return IntervalSet.FromRanges(ranges);
    }

    private static string Undecidable(Match match, HostKnowledge host) => match switch
    {
        AddrTypeMatch => "address types depend on the host's addresses",
        // Why is the listing's (IpSetGaps, the members' key comparer): none given, not in it, unread, changed by the rules.
        SetMatch s => $"the members of ipset {s.SetName} are not known: {IpSets.IpSetGaps.Why(s.SetName, host.IpSets.KeyComparer)}",
        ModuleOptionMatch m => $"-m {m.Module} {m.Option} depends on state outside the packet",
        OpaqueMatch o => $"-m {o.Module} {o.Option} is not understood",
        _ => $"{match.Option} is not modelled",
    };
}
