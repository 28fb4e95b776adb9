using DockerFw.Core.Model.Targets;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// Walks one table's built-in chain for one hook: rules in order, jumps (push a return point),
/// gotos (no return point, so a RETURN lands in the caller's caller, or on the policy when the goto
/// sat in the built-in chain), RETURN, falling off the end, and the policy. Branches that leave the
/// table accepted go to <c>accepted</c>; every other end becomes an outcome of the engine.
/// </summary>
internal sealed class ChainWalker(TraceEngine engine, CompiledTable table, CompiledChain root, List<Branch> accepted)
{
    private const int MaxDepth = 1024;
    private const int MaxSteps = 10_000_000;

    /// <summary>A return point, and what the call it returns from started with (to summarise it).</summary>
    private sealed record Frame(CompiledChain Chain, int Resume, Frame? Parent, int Depth, int Callee, CallStart Start);

    private readonly record struct CallStart(long Epoch, long Counted, Trail<RuleRef>? Listed);

    /// <summary>
    /// Calls that returned without changing the packet or forking, by (chain, epoch): the rules they
    /// counted. An epoch is a stretch of one branch's walk in which the packet did not change, so a
    /// second jump to the same chain in it would count the same rules and return the same way; it is
    /// not walked again. Two jumps to the next chain, 40 levels deep, are 2^40 walks without this.
    /// </summary>
    private readonly Dictionary<(int Chain, int Depth, long Epoch), (List<RuleRef> Listed, long Total)> _returns = [];
    private long _epoch;

    private readonly Stack<(Branch Branch, CompiledChain Chain, int Index, Frame? Stack)> _pending = new();

    private string Hook => root.Name;

    public void Walk(Branch start)
    {
        _pending.Push((start, root, 0, null));
        while (_pending.TryPop(out var cursor)) Run(cursor.Branch, cursor.Chain, cursor.Index, cursor.Stack);
    }

    private void Run(Branch b, CompiledChain chain, int i, Frame? stack)
    {
        NewEpoch();
        var context = engine.Context;
        var prefiltered = false;
        for (var steps = 0; ; steps++)
        {
            if (steps > MaxSteps)
            {
                engine.GiveUp(b, $"trace cut at {MaxSteps:N0} steps: evaluation did not end (a jump loop?)", Hook, table.Name);
                return;
            }

            if (i >= chain.Rules.Length)
            {
                // Falling off a user chain is an implicit RETURN; off the built-in chain, the policy.
                if (stack is null)
                {
                    Policy(b);
                    return;
                }

                Returned(b, stack);
                (chain, i, stack) = (stack.Chain, stack.Resume, stack.Parent);
                continue;
            }

            if (!prefiltered)
            {
                i = SkipRejected(chain, i, b);
                prefiltered = true;
                continue;
            }

            prefiltered = false;
            var rule = chain.Rules[i];
            var truth = rule.Test(b, context);
            if (truth == Truth.False)
            {
                i++;
                continue;
            }

            if (truth == Truth.Maybe)
            {
                var reason = rule.DoubtFor(b, context);
                NewEpoch();
                if (!engine.TryFork())
                {
                    engine.GiveUp(b, $"more than {TraceEngine.MaxForks} branches of undecidable rules; stopped at: {reason}", Hook, table.Name);
                    return;
                }

                var other = b.Clone();
                other.AddDoubt(new Doubt(rule.Ref, reason, false));
                _pending.Push((other, chain, i + 1, stack));
                b.AddDoubt(new Doubt(rule.Ref, reason, true));
            }

            b.Count(rule.Ref);
            switch (rule.Action)
            {
                case VerdictAction { Verdict: Verdict.Accept }:
                    Accept(b, rule.Ref);
                    return;
                case VerdictAction { Verdict: Verdict.Drop }:
                    engine.Finish(b, PacketVerdict.Drop, null, rule.Ref, Hook, table.Name);
                    return;
                case VerdictAction { Verdict: Verdict.Return }:
                    if (stack is null)
                    {
                        Policy(b);
                        return;
                    }

                    Returned(b, stack);
                    (chain, i, stack) = (stack.Chain, stack.Resume, stack.Parent);
                    continue;
                case RejectAction reject:
                    engine.Finish(b, PacketVerdict.Reject, reject.With, rule.Ref, Hook, table.Name);
                    return;
                case JumpAction jump when jump.Target < 0:
                    engine.GiveUp(b, $"jump to chain '{jump.Chain}', which the dump does not define", Hook, table.Name);
                    return;
                case JumpAction jump:
                    if (!jump.IsGoto)
                    {
                        var depth = (stack?.Depth ?? 0) + 1;
                        if (depth > MaxDepth)
                        {
                            engine.GiveUp(b, "jumps nested too deep (a jump loop?)", Hook, table.Name);
                            return;
                        }

                        if (_returns.TryGetValue((jump.Target, depth, _epoch), out var known))
                        {
                            b.Count(known.Listed, known.Total);
                            i++;
                            continue;
                        }

                        stack = new Frame(chain, i + 1, stack, depth, jump.Target, new CallStart(_epoch, b.MatchedCount, b.Matched));
                    }

                    (chain, i) = (table.Chains[jump.Target], 0);
                    continue;
                case NatAction nat:
                    if (!table.IsNat || NatEffects.Apply(b, nat, engine.Context, rule.Ref))
                    {
                        b.NatBound |= table.IsNat;
                        Accept(b, rule.Ref);
                    }
                    else engine.Finish(b, PacketVerdict.Drop, null, rule.Ref, Hook, table.Name);
                    return;
                case QueueAction queue:
                    Fork(b, rule.Ref, $"{queue.Name}: a user-space program decides (with none listening the packet is dropped)", PacketVerdict.Drop);
                    Accept(b, rule.Ref);
                    return;
                case UnknownAction unknown:
                    var doubt = $"target {unknown.Name} is not modelled";
                    Fork(b, rule.Ref, doubt, PacketVerdict.Drop);
                    if (unknown.Terminating)
                    {
                        Accept(b, rule.Ref);
                        return;
                    }

                    var accepting = b.Clone();
                    accepting.AddDoubt(new Doubt(rule.Ref, doubt + " (assumed to accept)", true));
                    Accept(accepting, rule.Ref);
                    b.Unknown |= unknown.Clobbers;
                    NewEpoch();
                    break;
                case ContinueAction:
                    break;
                default:
                    PacketEffects.Apply(b, rule.Action);
                    NewEpoch();
                    break;
            }

            i++;
        }
    }

    /// <summary>The packet may differ from now on: what calls did before is no guide.</summary>
    private void NewEpoch()
    {
        _epoch++;
        _returns.Clear();
    }

    /// <summary>A call returns: when nothing changed the packet since it began, remember what it counted.</summary>
    private void Returned(Branch b, Frame frame)
    {
        if (frame.Start.Epoch != _epoch) return;
        var listed = new List<RuleRef>();
        for (var t = b.Matched; t is not null && !ReferenceEquals(t, frame.Start.Listed); t = t.Previous) listed.Add(t.Value);
        listed.Reverse();
        _returns[(frame.Callee, frame.Depth, _epoch)] = (listed, b.MatchedCount - frame.Start.Counted);
    }

    /// <summary>The next rule at or after <paramref name="i"/> the prefilter admits (all of them when a header field is unknown).</summary>
    private static int SkipRejected(CompiledChain chain, int i, Branch b)
    {
        if (!b.Knows(PacketFields.Source | PacketFields.Destination)) return i;
        var filters = chain.Prefilters;
        var (source, destination, protocol) = (b.Source, b.Destination, b.Protocol);
        while (i < filters.Length && !filters[i].Admits(source, destination, protocol)) i++;
        return i;
    }

    /// <summary>Ends a copy of the branch with a verdict, marked with the doubt that allows it.</summary>
    private void Fork(Branch b, RuleRef rule, string reason, PacketVerdict verdict)
    {
        var other = b.Clone();
        other.AddDoubt(new Doubt(rule, reason, true));
        engine.Finish(other, verdict, null, rule, Hook, table.Name);
        b.AddDoubt(new Doubt(rule, reason, false));
    }

    private void Accept(Branch b, RuleRef? by)
    {
        if (table.Name == "filter") b.AcceptedBy = by;
        accepted.Add(b);
    }

    private void Policy(Branch b)
    {
        if (root.Policy == Verdict.Drop) engine.Finish(b, PacketVerdict.Drop, null, null, Hook, table.Name);
        else Accept(b, null);
    }
}
