using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Remediation;

/// <summary>How a refused proof names packets and the rule that decided their fate.</summary>
internal static class ProofText
{
    // A refusal names the packets; past this many pieces the rest are summed up.
    private const int MaxPieces = 8;

    /// <summary>Protocols and destination ports of a packet set, as <c>tcp/1-5431, udp, icmp</c>.</summary>
    public static string Packets(PacketSet packets, PacketSpace space)
    {
        var icmp = Icmp(packets, space);
        var pieces = packets.Boxes.SelectMany(b => Pieces(b, space, icmp)).Distinct().ToList();
        // Every protocol, some perhaps on some ports only: say so rather than list them all.
        var every = EveryProtocol(space);
        if (every.All(name => pieces.Any(p => p == name || p.StartsWith(name + "/", StringComparison.Ordinal))))
        {
            var partly = pieces.Where(p => p.Contains('/')).ToList();
            return partly.Count == 0 ? "every protocol" : $"{string.Join(", ", partly)} and every other protocol";
        }

        return pieces.Count <= MaxPieces
            ? string.Join(", ", pieces)
            : string.Join(", ", pieces.Take(MaxPieces)) + $" and {pieces.Count - MaxPieces} more";
    }

    private static List<string> EveryProtocol(PacketSpace space) =>
        [.. Values(PacketSpace.PortProtocols).Select(p => Protocol.FromNumber((int)p).Name), Protocol.FromNumber(space.IcmpProtocol).Name, "other protocols"];

    /// <summary>
    /// The set's ICMP messages named once: <c>icmp</c> when they hold every type their states allow
    /// (NEW ICMP is its queries alone: <see cref="IcmpStates"/>), else the types.
    /// </summary>
    private static string Icmp(PacketSet packets, PacketSpace space)
    {
        var icmp = IntervalSet.Single((UInt128)space.IcmpProtocol);
        var boxes = packets.Boxes.Where(b => b[Dimension.Proto].Overlaps(icmp)).ToList();
        var types = boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.IcmpType]));
        var states = boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.State]));
        return Protocol.FromNumber(space.IcmpProtocol).Name + (IcmpStates.Whole(space.Family, types, states) ? "" : "/type " + Ranges(types));
    }

    private static IEnumerable<string> Pieces(Box box, PacketSpace space, string icmpText)
    {
        var protocols = box[Dimension.Proto];
        if (!protocols.IsSubsetOf(PacketSpace.PortProtocols))
        {
            var ported = protocols.Intersect(PacketSpace.PortProtocols);
            var rest = protocols.Subtract(PacketSpace.PortProtocols);
            foreach (var piece in ported.IsEmpty ? [] : Pieces(box.With(Dimension.Proto, ported), space, icmpText)) yield return piece;
            var icmp = IntervalSet.Single((UInt128)space.IcmpProtocol);
            if (rest.Overlaps(icmp))
            {
                yield return icmpText;
                rest = rest.Subtract(icmp);
            }

            var others = space.Full(Dimension.Proto).Subtract(PacketSpace.PortProtocols).Subtract(icmp);
            if (rest.IsEmpty) yield break;
            if (rest.Cardinality <= 3) foreach (var p in Values(rest)) yield return Protocol.FromNumber((int)p).Name;
            else if (others.IsSubsetOf(rest)) yield return "other protocols";
            else yield return "protocols " + Ranges(rest);
            yield break;
        }

        var ports = box[Dimension.Dport];
        var suffix = ports.Equals(space.Full(Dimension.Dport)) ? "" : "/" + Ranges(ports);
        // Replies that die only for some source ports (a drop of the client's own port) make only the
        // requests from those ports one-way: say which, or the whole protocol reads as broken.
        var sources = box[Dimension.Sport];
        if (!sources.Equals(space.Full(Dimension.Sport))) suffix += $" from source port{(sources.Cardinality == 1 ? "" : "s")} {Ranges(sources)}";
        foreach (var p in Values(protocols)) yield return Protocol.FromNumber((int)p).Name + suffix;
    }

    private static string Ranges(IntervalSet set) => string.Join(",", set.Ranges.Select(r => r.First == r.Last ? $"{r.First}" : $"{r.First}-{r.Last}"));

    private static IEnumerable<UInt128> Values(IntervalSet set)
    {
        foreach (var (first, last) in set.Ranges)
            for (var v = first; v <= last; v++)
                yield return v;
    }

    /// <summary>
    /// The rule a region names: iptables' tables by name, native nft tables by family and name
    /// (<c>ip docker-bridges</c>), the other back end's by its tool, as the engine names them.
    /// </summary>
    internal static Rule? RuleOf(Ruleset ruleset, ResponsibleRule responsible) =>
        ruleset.RuleAt(responsible.Table, responsible.Chain, responsible.Number);

    /// <summary>
    /// The last rule with a verdict on the region's way, as <c>filter/FORWARD#1 (line 3): -A FORWARD
    /// -j ACCEPT</c>; without one, the policy of filter FORWARD when it is the region's verdict.
    /// </summary>
    public static string? DecidedBy(ReachRegion region, Ruleset ruleset)
    {
        foreach (var responsible in region.Rules.Reverse())
        {
            var rule = RuleOf(ruleset, responsible);
            if (rule?.Target is VerdictTarget { Verdict: Verdict.Accept or Verdict.Drop } or RejectTarget)
                return $"{responsible}: {IptablesSaveWriter.FormatRule(rule)}";
        }

        var policy = ruleset["filter"]?["FORWARD"]?.Policy;
        return (policy, region.Verdict) is (Verdict.Accept, ReachVerdict.Accept) or (Verdict.Drop, ReachVerdict.Drop)
            ? $"the policy {policy.ToString()!.ToUpperInvariant()} of filter/FORWARD"
            : null;
    }
}
