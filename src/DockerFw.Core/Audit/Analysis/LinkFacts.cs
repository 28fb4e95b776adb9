using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// One legacy link on one port, from the links Docker declares and the openings with a link's shape
/// found in the rules, both ways: whether the client's new connections to the server on the port
/// pass (over every source port, replies included), which rules open or block them, and what the
/// server may open back.
/// </summary>
/// <param name="PairLinked">Whether Docker links the client to the server at all (any port); null when nothing is declared (an inferred view, IPv6).</param>
/// <param name="ServerExposes">Whether the server exposes the port; null when the view is inferred or no container has the address.</param>
/// <param name="Blocked">Whether some of the client's new packets to the port are dropped.</param>
/// <param name="OneWay">Whether some packets that pass have their replies dropped.</param>
/// <param name="SourcePorts">The source ports that pass, when not every one does.</param>
public sealed record LinkFacts(
    LinkReport Report,
    AuditedNetwork Network,
    bool? PairLinked,
    bool? ServerExposes,
    bool Blocked,
    bool OneWay,
    string? SourcePorts,
    string? Alias,
    ImmutableArray<Evidence> Opening,
    ImmutableArray<Evidence> Blocking)
{
    public static IEnumerable<LinkFacts> Find(AuditInputs inputs, SymbolicPasses passes, NetworkFacts f)
    {
        var n = f.Network;
        var declared = DeclaredLink.Of(inputs, n).ToList();
        var keys = new List<(UInt128 Client, UInt128 Server, string Protocol, int Port)>();
        foreach (var d in declared) keys.AddRange(d.Ports.Select(p => (d.ClientIp, d.ServerIp, p.Protocol, p.Port)));
        foreach (var opening in Openings(passes, f).Where(o => !keys.Contains(o))) keys.Add(opening);
        // Frames switched inside a bridge never reach iptables without br_netfilter: every link is open.
        var unfiltered = inputs.Host.BridgedTrafficFiltered(n.Bridge, n.Family) == false;
        var pairs = new Dictionary<(UInt128, UInt128), LinkPair>();
        foreach (var (client, server, protocol, port) in keys)
        {
            var link = declared.FirstOrDefault(d => d.ClientIp == client && d.ServerIp == server);
            var report = new LinkReport(n.Name, n.Format(client), n.Format(server), protocol, port)
            {
                Client = inputs.ViewInferred ? null : inputs.ContainerAt(client)?.Name,
                Server = inputs.ViewInferred ? null : inputs.ContainerAt(server)?.Name,
                Declared = Undeclarable(inputs) ? null : link?.Ports.Contains((protocol, port)) == true,
            };
            var exposes = inputs.ViewInferred ? null : inputs.ContainerAt(server)?.ExposedPorts.Contains($"{port}/{protocol}");
            var linkPorts = link?.Ports ?? [(protocol, port)];
            if (unfiltered)
            {
                yield return new LinkFacts(report with { Open = true, Reverse = LinkReverse.Wider }, n, Undeclarable(inputs) ? null : link is not null, exposes,
                    false, false, null, link?.Alias, [], []);
                continue;
            }

            if (!pairs.TryGetValue((client, server), out var pair)) pairs[(client, server)] = pair = new LinkPair(passes, n, client, server);
            yield return Judge(inputs, passes, pair, report, linkPorts, link, exposes, n);
        }
    }

    private static LinkFacts Judge(AuditInputs inputs, SymbolicPasses passes, LinkPair pair, LinkReport report, IEnumerable<(string, int)> linkPorts, DeclaredLink? link, bool? exposes, AuditedNetwork n)
    {
        var toPort = LinkPair.Cut(LinkPair.Cut(pair.ToServer, Dimension.Proto, IntervalSet.Single((UInt128)LinkPair.Number(report.Protocol))),
            Dimension.Dport, IntervalSet.Single((UInt128)report.Port)).ToList();
        var open = toPort.Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe).ToList();
        var closed = toPort.Where(p => p.Verdict is ReachVerdict.Drop or ReachVerdict.Reject).ToList();
        // Cut where the fate of the replies changes, as the matrix's flows are (ReplyFate).
        var (replies, maybeReplies, later) = LaterPackets.WithReplies(open, passes);
        var parts = PairReach.Parts(open, replies, later, maybeReplies: maybeReplies);
        var oneWay = parts.Any(p => p.Kind == ReplyFate.OneWay);
        var openingOnly = parts.Any(p => p.Kind == ReplyFate.OpeningOnly);
        bool? whole = open.Count == 0 ? false
            : closed.Count == 0 && parts.All(p => p.Kind == ReplyFate.Connection && !p.Possible) ? true
            : null;
        var unknown = open.Count > 0 && closed.Count == 0 && open.All(p => p.Verdict == ReachVerdict.Maybe);
        ImmutableArray<AllowedFlow>? flows = whole is null && !unknown
            ? PairReach.Merge(parts, IntervalSet.Single(pair.Server), passes.Space, n.Family)
            : null;
        var sources = open.Aggregate(IntervalSet.Empty, (s, p) => s.Union(p.Box[Dimension.Sport]));
        return new LinkFacts(
            report with { Open = whole, PartialFlows = flows, Reverse = pair.Reverse(report.Protocol, report.Port, linkPorts) },
            n,
            Undeclarable(inputs) ? null : link is not null,
            exposes,
            closed.Count > 0,
            oneWay,
            open.Count > 0 && !passes.Space.Full(Dimension.Sport).IsSubsetOf(sources) ? Ranges(sources) : null,
            link?.Alias,
            Deciding(open, inputs, "accepts the link"),
            Deciding(closed, inputs, "blocks the link"))
        { OpeningOnly = openingOnly };
    }

    /// <summary>Whether some packets that pass, their replies too, have their later packets dropped (oracle F38): no data follows.</summary>
    public bool OpeningOnly { get; init; }

    /// <summary>Docker declares links only in its view and only in IPv4 (see <see cref="DeclaredLink"/>).</summary>
    private static bool Undeclarable(AuditInputs inputs) => inputs.ViewInferred || inputs.Family != IpFamily.V4;

    /// <summary>
    /// The openings with a link's shape on a bridge whose containers cannot talk: new connections
    /// still accepted from one container to one other on one protocol and one port, unless
    /// dockerfw's own policy chain accepts them (audit --policy judges those).
    /// </summary>
    private static IEnumerable<(UInt128, UInt128, string, int)> Openings(SymbolicPasses passes, NetworkFacts f)
    {
        var n = f.Network;
        if (f.Icc.Verdict is not (ReachabilityVerdict.Denied or ReachabilityVerdict.Partial) || !passes.From(n).TryGetValue(n.Bridge, out var pieces)) yield break;
        foreach (var p in passes.ToContainersOf(pieces, n).Where(p => p.Verdict == ReachVerdict.Accept))
        {
            var b = p.Box;
            if (b[Dimension.Src].Cardinality != 1 || b[Dimension.Dst].Cardinality != 1
                || b[Dimension.Proto].Cardinality != 1 || b[Dimension.Dport].Cardinality != 1) continue;
            var deciding = EvidenceOf.Deciding(p.Region);
            if (deciding?.Chain == PolicyPlanner.Chain) continue;
            // The rule must name the pair: a box is one client, one server and one port also where the
            // network holds few containers and another rule cut a port (a published port's ACCEPT) while
            // icc is partial for an unrelated drop; the accept that decides it is then icc's own.
            if (deciding is null || EvidenceOf.Source(passes.Rules.Source, deciding) is not { } rule || !NamesOnePair(rule)) continue;
            yield return (b[Dimension.Src].Min, b[Dimension.Dst].Min, Protocol.FromNumber((int)b[Dimension.Proto].Min).Name, (int)b[Dimension.Dport].Min);
        }
    }

    // -s CLIENT/32 -d SERVER/32, as Docker's link rules and an admin's own pair rule are written.
    private static bool NamesOnePair(Model.Rule rule)
    {
        var hosts = rule.Matches.OfType<Model.Matches.AddressMatch>().Where(m => !m.Negated && m.Value.Mask == m.Value.Family.AllOnes()).Select(m => m.Field).ToList();
        return hosts.Contains(Model.Matches.AddressField.Source) && hosts.Contains(Model.Matches.AddressField.Destination);
    }

    private static string Ranges(IntervalSet ports) =>
        string.Join(",", ports.Ranges.Select(r => r.First == r.Last ? $"{r.First}" : $"{r.First}-{r.Last}"));

    private static ImmutableArray<Evidence> Deciding(IEnumerable<Piece> pieces, AuditInputs inputs, string role) =>
        [.. pieces.Select(p => EvidenceOf.Deciding(p.Region)).OfType<ResponsibleRule>().Distinct()
            .Select(r => EvidenceOf.Rule(inputs.Ruleset, r, role))];
}
