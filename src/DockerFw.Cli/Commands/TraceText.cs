using System.Text;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Routing;
using static DockerFw.Cli.Commands.TracePacketText;

namespace DockerFw.Cli.Commands;

/// <summary>`dockerfw trace --format text`: the verdict first, then the counted rules, then the packet.</summary>
internal static class TraceText
{
    public static string Render(TraceResult trace, ConnectionResult? connection, PacketPath path, RouteDecision? route = null)
    {
        var text = new StringBuilder();
        if (trace.Certain)
        {
            text.Append($"verdict: {Verdict(trace.Verdict!.Value)}{RejectWith(trace)}\n");
        }
        else
        {
            text.Append($"verdict: uncertain, possibly {string.Join(" or ", trace.PossibleVerdicts.Select(Verdict))}\n");
        }

        text.Append($"path: {path.ToString().ToUpperInvariant()}\n");
        if (route is not null) text.Append($"route: {route.Describe()}\n");
        if (trace.Outcomes.Length == 1)
        {
            Outcome(text, trace.Outcomes[0], "");
        }
        else
        {
            text.Append("counted for certain:\n");
            Rules(text, trace.Matched, "  ");
            if (trace.Outcomes.Max(o => o.MatchedOmitted) > 0) text.Append("  ... and more, not listed\n");
            for (var i = 0; i < trace.Outcomes.Length; i++)
            {
                var o = trace.Outcomes[i];
                text.Append($"possible outcome {i + 1}: {Verdict(o.Verdict)}{(o.RejectWith is null ? "" : $" ({o.RejectWith})")}\n");
                foreach (var d in o.Doubts) text.Append($"  {d}\n");
                Outcome(text, o, "  ");
            }
        }

        if (connection is not null) Connection(text, connection);
        return text.ToString();
    }

    /// <summary>The notices after the trace, as reach ends with them (<c>NOTICES</c>, one <c>  - </c> line each); nothing when there are none.</summary>
    public static string Notices(IReadOnlyList<string> notices) =>
        notices.Count == 0 ? "" : "\nNOTICES\n" + string.Concat(notices.Select(n => $"  - {n}\n"));

    private static string RejectWith(TraceResult trace) =>
        trace.Outcomes.Select(o => o.RejectWith).Distinct().ToList() is [{ } with] ? $" ({with})" : "";

    private static void Outcome(StringBuilder text, TraceOutcome o, string indent)
    {
        text.Append($"{indent}counted:\n");
        Rules(text, o.Matched, indent + "  ");
        if (o.MatchedOmitted > 0) text.Append($"{indent}  ... and {o.MatchedOmitted} more rules counted, not listed\n");
        text.Append($"{indent}decided by: {(o.DecidedBy is { } r ? $"{r.Table}/{r.Chain}#{r.Number} (line {r.Line}{Handle(r, ", ")})" : o.Verdict == PacketVerdict.Accept ? "no DROP on the way" : $"policy of {o.Table}/{o.Hook}")}\n");
        text.Append($"{indent}packet as it left: {OneLine(o.Packet)}\n");
        foreach (var nat in o.Nat)
        {
            var by = nat.Rule is { } rule ? $"{rule.Table}/{rule.Chain}#{rule.Number}" : "conntrack";
            text.Append($"{indent}  {nat.Kind.ToString().ToUpperInvariant()} {Field(nat.Field)} -> {Nat(nat, o.Packet.Family)} ({by})\n");
        }
    }

    private static void Rules(StringBuilder text, IEnumerable<RuleRef> rules, string indent)
    {
        var any = false;
        foreach (var r in rules)
        {
            text.Append($"{indent}{r.Table}/{r.Chain}#{r.Number} line {r.Line}{Handle(r, " ")}: {r.Text}\n");
            any = true;
        }

        if (!any) text.Append($"{indent}(none)\n");
    }

    // nft's handle, as `nft -a list ruleset` shows it; an iptables rule has none.
    private static string Handle(RuleRef r, string separator) => r.Handle is { } h ? $"{separator}handle {h}" : "";

    private static void Connection(StringBuilder text, ConnectionResult c)
    {
        text.Append(c.Certain ? $"connection: {Name(c.Reachability!.Value)}\n" : $"connection: uncertain, possibly {string.Join(" or ", c.Possible.Select(Name))}\n");
        foreach (var reply in c.Outcomes.Where(o => o.Reply is not null).Select(o => o.Reply!).Distinct())
        {
            text.Append($"reply: {Verdict(reply.Verdict)}\n");
            Outcome(text, reply, "  ");
        }

        // The request's later packets (ESTABLISHED), traced once the reply got through (oracle F38);
        // told only where they do not all pass, so that a trace whose later packets pass reads as before.
        var laters = c.Outcomes.Where(o => o.Later is not null).Select(o => o.Later!).Distinct().ToList();
        foreach (var later in laters.Any(l => l.Verdict != Core.Semantics.PacketVerdict.Accept) ? laters : [])
        {
            text.Append($"later packets: {Verdict(later.Verdict)}\n");
            Outcome(text, later, "  ");
        }
    }

    public static string Name(Reachability r) => r switch
    {
        Reachability.OneWay => "one-way",
        Reachability.OpeningOnly => "opening-only",
        _ => r.ToString().ToLowerInvariant(),
    };
}
