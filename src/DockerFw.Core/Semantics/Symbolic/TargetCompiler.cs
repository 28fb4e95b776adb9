using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>What each target does to the packets that reach it, as the walk needs it.</summary>
internal static class TargetCompiler
{
    public static TargetAction Compile(string table, Target? target, PacketSpace space, HostKnowledge host) => target switch
    {
        null or LogTarget => new(ActionKind.Continue),
        VerdictTarget { Verdict: Verdict.Accept } => new(ActionKind.Accept),
        VerdictTarget { Verdict: Verdict.Drop } => new(ActionKind.Drop),
        VerdictTarget { Verdict: Verdict.Return } => new(ActionKind.Return),
        VerdictTarget => Undecided("QUEUE hands the packet to a user-space program"),
        RejectTarget => new(ActionKind.Reject),
        JumpTarget j => new(j.IsGoto ? ActionKind.Goto : ActionKind.Jump) { Chain = j.Chain },
        MarkTarget m => new(ActionKind.Mark) { Value = m.Value, Mask = m.Mask },
        DnatTarget d when table == "nat" && d.To is not null => new(ActionKind.Dnat)
        {
            NatDestination = d.To.First is { } first ? IntervalSet.Range(first, d.To.Last ?? first) : null,
            NatPort = Ports(d.To.Ports),
        },
        // REDIRECT sends to an address of the incoming interface, which the dump does not hold.
        RedirectTarget r when table == "nat" => new(ActionKind.Dnat)
        {
            NatDestination = IntervalSet.Range(0, space.Family.AllOnes()),
            NatPort = Ports(r.ToPorts),
            Interfaces = Addressed(space, host),
        },
        SnatTarget when table == "nat" => new(ActionKind.Snat),
        MasqueradeTarget when table == "nat" => new(ActionKind.Snat) { Interfaces = Addressed(space, host) },
        ExtensionTarget e => Extension(e),
        _ => Undecided($"{target.Name} is not valid in the {table} table"),
    };

    private static TargetAction Extension(ExtensionTarget e)
    {
        bool Has(string option) => e.Options.Any(o => o.Name == option);
        return e.ExtensionName switch
        {
            "NOTRACK" => new(ActionKind.Untrack),
            "CT" when Has("--notrack") => new(ActionKind.Untrack),
            "CONNMARK" => new(ActionKind.ConnectionMark) { Connmark = Evaluation.ActionCompiler.Connmark(e) },
            _ when e.Known && !e.IsTerminating => new(ActionKind.Continue),
            _ when e.Known => Undecided($"the verdict of {e.ExtensionName} is decided outside the ruleset"),
            _ => Undecided($"the target {e.ExtensionName} is not understood"),
        };
    }

    /// <summary>
    /// The interfaces MASQUERADE and REDIRECT can take an address from; null when the host's addresses
    /// are unknown. The kernel drops a packet on an interface without one.
    /// </summary>
    private static IntervalSet? Addressed(PacketSpace space, HostKnowledge host) =>
        host.AddressedInterfaces is { } names
            ? IntervalSet.FromValues(names.Select(n => (UInt128)space.Interfaces.SymbolOf(n)))
            : null;

    private static IntervalSet? Ports(PortRange? range) =>
        range is null ? null : IntervalSet.Range((UInt128)range.First, (UInt128)range.Last);

    private static TargetAction Undecided(string reason) => new(ActionKind.Undecided) { Reason = reason };
}
