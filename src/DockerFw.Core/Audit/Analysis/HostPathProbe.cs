using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>How the packets of a question about the host's own traffic fare: all accepted, none, some, or undecidable for some.</summary>
public enum PathVerdict
{
    Open,
    Blocked,
    Partial,
    Uncertain,
}

/// <summary>
/// The answer to one question about packets to or from the host itself (INPUT or OUTPUT), proven over
/// the whole set by the symbolic engine: the verdict, the rules that decided it (the blocking rules,
/// or the accepting ones when nothing is blocked), the sources or destinations blocked when only some
/// are, and why the engine could not decide the rest.
/// </summary>
public sealed record PathAnswer(PathVerdict Verdict, ImmutableArray<Evidence> Evidence, string? BlockedPeers, ImmutableArray<string> Doubts)
{
    /// <summary>Both answers must hold (a connection: the opening packets and their replies).</summary>
    public PathAnswer And(PathAnswer other)
    {
        var verdict = (Verdict, other.Verdict) switch
        {
            (PathVerdict.Open, PathVerdict.Open) => PathVerdict.Open,
            (PathVerdict.Blocked, _) or (_, PathVerdict.Blocked) => PathVerdict.Blocked,
            (PathVerdict.Partial, _) or (_, PathVerdict.Partial) => PathVerdict.Partial,
            _ => PathVerdict.Uncertain,
        };
        var blocking = verdict is PathVerdict.Open or PathVerdict.Uncertain ? Evidence.Concat(other.Evidence)
            : (Verdict is PathVerdict.Blocked or PathVerdict.Partial ? Evidence : []).Concat(other.Verdict is PathVerdict.Blocked or PathVerdict.Partial ? other.Evidence : []);
        return new(verdict, [.. blocking.Distinct()], BlockedPeers ?? other.BlockedPeers, [.. Doubts.Concat(other.Doubts).Distinct()]);
    }
}

/// <summary>
/// Asks the symbolic engine about packets on the host's own paths: INPUT (arriving on any interface but
/// Docker's bridges and loopback: the underlay, whichever it is) and OUTPUT (leaving by one of them).
/// </summary>
public sealed class HostPathProbe(AuditInputs inputs)
{
    private static readonly InterfacePattern Loopback = new("lo");
    private readonly Dictionary<VxlanPacket, SymbolicRuleset> _compiled = [];

    /// <param name="peerSide">Which side of the packets holds the other nodes (src on the way in, dst on the way out): blocked ones are named on it.</param>
    public PathAnswer Ask(PacketPath path, VxlanPacket knowledge, int protocol, IntervalSet? sport, IntervalSet? dport,
        IntervalSet src, IntervalSet dst, ConntrackStates state, Dimension peerSide)
    {
        var rules = Rules(knowledge);
        var space = rules.Space;
        var side = path == PacketPath.Input ? Dimension.In : Dimension.Out;
        var excluded = inputs.Networks.Aggregate(IntervalSet.Single((UInt128)space.Interfaces.NoInterface),
            (s, n) => s.Union(space.Interfaces.Matching(new InterfacePattern(n.Bridge)))).Union(space.Interfaces.Matching(Loopback));
        var box = space.Whole().With(side, excluded.Complement(space.MaxOf(side)))
            .With(Dimension.Proto, IntervalSet.Single((UInt128)protocol)).With(Dimension.Src, src).With(Dimension.Dst, dst)
            .With(Dimension.State, RuleCompiler.States(state));
        if (sport is not null) box = box.With(Dimension.Sport, sport);
        if (dport is not null) box = box.With(Dimension.Dport, dport);
        var query = new ReachQuery(path) { State = state }.ToPacketSet(space).Intersect(box);
        // NEW packets of a question about the host's ports mean connections: TCP's opening SYN (Openings).
        if (state == ConntrackStates.New) query = Openings.Of(query);
        var result = SymbolicEngine.Reach(rules, path, query);

        PacketSet Of(params ReachVerdict[] verdicts) => result.Regions.Where(r => verdicts.Contains(r.Verdict)).Aggregate(PacketSet.Empty, (s, r) => s.Union(r.Packets));
        var accepted = Of(ReachVerdict.Accept);
        var blocked = Of(ReachVerdict.Drop, ReachVerdict.Reject);
        var maybe = Of(ReachVerdict.Maybe);
        var verdict = !blocked.IsEmpty ? (accepted.IsEmpty && maybe.IsEmpty ? PathVerdict.Blocked : PathVerdict.Partial)
            : !maybe.IsEmpty ? PathVerdict.Uncertain : PathVerdict.Open;
        var deciding = result.Regions.Where(r => verdict == PathVerdict.Open ? r.Verdict == ReachVerdict.Accept
                : verdict == PathVerdict.Uncertain ? r.Verdict == ReachVerdict.Maybe : r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject)
            .Select(r => Decided(r, path)).Distinct().ToImmutableArray();
        var doubts = result.Regions.Where(r => r.Verdict == ReachVerdict.Maybe).SelectMany(r => r.Doubts).Distinct()
            .Select(d => $"{RuleText(d)}: {(result.DoubtReasons.TryGetValue(d, out var why) ? why : "undecidable")}").ToImmutableArray();
        IntervalSet Side(PacketSet set) => set.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[peerSide]));
        var peers = verdict == PathVerdict.Partial ? FlowText.Addresses(Side(blocked), Side(query), IpFamily.V4) : null;
        return new PathAnswer(verdict, deciding, peers, doubts);
    }

    private Evidence Decided(ReachRegion region, PacketPath path)
    {
        var role = region.Verdict switch
        {
            ReachVerdict.Accept => "accepts",
            ReachVerdict.Maybe => "may decide",
            _ => "blocks",
        };
        // The deciding rule of a MAYBE region is the undecidable one its packets depend on; of another
        // region, the last rule met whose target is that verdict (the nat table's jumps on the way decide
        // nothing), or else the chain's policy.
        var rule = region.Verdict == ReachVerdict.Maybe ? region.Doubts.LastOrDefault()
            : region.Rules.LastOrDefault(r => r.Table != "nat" && EvidenceOf.Source(inputs.Ruleset, r)?.Target switch
            {
                VerdictTarget { Verdict: Verdict.Accept } => region.Verdict == ReachVerdict.Accept,
                VerdictTarget { Verdict: Verdict.Drop } or RejectTarget => region.Verdict != ReachVerdict.Accept,
                _ => false,
            });
        var hook = path == PacketPath.Input ? "INPUT" : "OUTPUT";
        return rule is null
            ? new Evidence("filter", hook, 0, 0, $"policy of filter/{hook}", role)
            : EvidenceOf.Rule(inputs.Ruleset, rule, role);
    }

    private string RuleText(ResponsibleRule rule) => EvidenceOf.Rule(inputs.Ruleset, rule, "").Text;

    private SymbolicRuleset Rules(VxlanPacket knowledge)
    {
        if (_compiled.TryGetValue(knowledge, out var rules)) return rules;
        return _compiled[knowledge] = inputs.HostModel.Compile(knowledge.Decide(inputs.Ruleset), ReachDetail.Rules, [Loopback]);
    }
}
