using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// A deliberately naive interpreter of the rule subset the random rulesets use, one packet at a time,
/// written apart from the engine: a condition it cannot decide is tried both ways, and the answer is
/// the set of verdicts the packet may get.
/// </summary>
internal sealed class BruteForceOracle(Ruleset ruleset, IReadOnlySet<UInt128>? localAddresses)
{
    private sealed record State(Packet Packet, bool Finished, ReachVerdict Verdict);

    private Direction? _hidden;

    public IReadOnlySet<ReachVerdict> Verdicts(Packet packet, PacketPath path)
    {
        var states = new List<State> { new(packet, false, ReachVerdict.Accept) };
        foreach (var (hook, tables) in SymbolicWalk.Stages(path))
            foreach (var table in tables)
                states = states.SelectMany(s => s.Finished ? [s] : RunTable(table, hook, s)).ToList();
        return states.Select(s => s.Verdict).ToHashSet();
    }

    private IEnumerable<State> RunTable(string table, string hook, State s)
    {
        if (table == "nat" && (s.Packet.State & ConntrackStates.New) == 0) return [s];
        var chain = ruleset[table]?[hook];
        if (chain is null) return [s];
        // The kernel compares the empty name for the interface a hook does not know yet (or any more).
        _hidden = hook switch { "PREROUTING" or "INPUT" => Direction.Out, "OUTPUT" or "POSTROUTING" => Direction.In, _ => null };
        return Run(table, chain, s.Packet, 0).ToList().Select(o => o.Kind switch
        {
            "return" => chain.Policy == Verdict.Drop ? new State(o.Packet, true, ReachVerdict.Drop) : new State(o.Packet, false, ReachVerdict.Accept),
            "accept" => new State(o.Packet, false, ReachVerdict.Accept),
            "drop" => new State(o.Packet, true, ReachVerdict.Drop),
            "reject" => new State(o.Packet, true, ReachVerdict.Reject),
            _ => new State(o.Packet, true, ReachVerdict.Maybe),
        });
    }

    private IEnumerable<(string Kind, Packet Packet)> Run(string table, Chain chain, Packet p, int from)
    {
        for (var i = from; i < chain.Rules.Length; i++)
        {
            var rule = chain.Rules[i];
            var truth = rule.Matches.Select(m => Holds(m, p)).Aggregate((bool?)true, (a, b) => a == false || b == false ? false : a == null || b == null ? null : true);
            if (truth == false) continue;
            var taken = Take(table, rule.Target, p, chain, i);
            return truth == true ? taken : taken.Concat(Run(table, chain, p, i + 1));
        }

        return [("return", p)];
    }

    private IEnumerable<(string Kind, Packet Packet)> Take(string table, Target? target, Packet p, Chain chain, int i)
    {
        IEnumerable<(string, Packet)> Next(Packet q) => Run(table, chain, q, i + 1);
        switch (target)
        {
            case null or LogTarget: return Next(p);
            case VerdictTarget { Verdict: Verdict.Accept }: return [("accept", p)];
            case VerdictTarget { Verdict: Verdict.Drop }: return [("drop", p)];
            case VerdictTarget { Verdict: Verdict.Return }: return [("return", p)];
            case RejectTarget: return [("reject", p)];
            case MarkTarget m: return Next(p with { Mark = m.Apply(p.Mark) });
            case DnatTarget d:
                var ported = p.Protocol is 6 or 17;
                var after = p with { Destination = d.To!.First ?? p.Destination, DestinationPort = ported ? d.To.Ports?.First ?? p.DestinationPort : null };
                // Conntrack calls it DNAT only when the tuple changed.
                return [("accept", after == p ? p : after with { State = p.State | ConntrackStates.Dnat })];
            // With the host's addresses known only eth0 has one; MASQUERADE drops on the others.
            case MasqueradeTarget when localAddresses is not null && p.OutInterface != "eth0": return [("drop", p)];
            case MasqueradeTarget: return [("accept", p with { State = p.State | ConntrackStates.Snat })];
            case JumpTarget j:
                var callee = ruleset[table]![j.Chain]!;
                return Run(table, callee, p, 0).SelectMany(o =>
                    o.Kind != "return" ? [o] : j.IsGoto ? [o] : Next(o.Packet));
            default: return [("maybe", p)];
        }
    }

    private bool? Holds(Match m, Packet p)
    {
        bool? result = m switch
        {
            InterfaceMatch i => i.Value.Matches(i.Direction == _hidden ? "" : (i.Direction == Direction.In ? p.InInterface : p.OutInterface) ?? ""),
            AddressMatch a => a.Value.Contains(a.Field == AddressField.Source ? p.Source : p.Destination),
            ProtocolMatch pr => pr.Value.IsAll || pr.Value.Number == p.Protocol,
            PortMatch pm => (pm.Field == AddressField.Source ? p.SourcePort : p.DestinationPort) is { } port && pm.Range.Contains(port),
            ConntrackStateMatch cs => (cs.States & p.State) != 0,
            MarkMatch mm => mm.Value.Matches(p.Mark),
            IcmpTypeMatch it => p.IcmpType is { } t && it.Matches(t, p.IcmpCode ?? 0),
            // Only TCP has flags; `!` inverts the comparison, never the protocol (so a non-TCP packet answers "negated", which the line below turns to false).
            TcpFlagsMatch tf => p.Protocol != 6 ? tf.Negated : (p.TcpFlags & tf.Mask) == tf.Compare,
            AddrTypeMatch at when localAddresses is not null => localAddresses.Contains(at.Field == AddressField.Source ? p.Source : p.Destination),
            _ => null,
        };
        return result is { } r ? r != m.Negated : null;
    }
}
