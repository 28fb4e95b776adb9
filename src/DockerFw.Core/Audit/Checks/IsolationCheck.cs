using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// No new connection from one bridge network into another, and none from outside into container
/// ports that are not published. Published ports reached through the host's address are another
/// class (published-port). Every answer is the symbolic engine's partition of the packet set.
/// </summary>
public sealed class IsolationCheck : IAuditCheck
{
    public string Name => "isolation";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        var analysis = context.Analysis();
        // ip6tables is a ruleset of its own: isolation kept in IPv4 says nothing about IPv6.
        foreach (var (inFamily, prefix) in analysis.Families)
        {
            foreach (var finding in Between(inFamily, prefix)) yield return finding;
            foreach (var (bridge, flows, evidence) in FromOutside(inFamily))
            {
                var network = inFamily.Inputs.NetworkOfBridge(bridge)!;
                yield return Finding.Of(FindingCodes.UnpublishedPortsReachable,
                    $"{prefix}hosts outside can open connections to containers of {network.Name} that no published port allows ({Describe(flows)}), by routing to the container addresses. Drop new traffic into the bridge except published ports (e.g. in DOCKER-USER), or remove the rules that accept it (evidence).",
                    [network.Name], evidence: evidence);
            }
        }
    }

    private static IEnumerable<Finding> Between(AuditAnalysis analysis, string family)
    {
        foreach (var pair in analysis.Pairs)
        {
            if (pair.Verdict == ReachabilityVerdict.Denied || (pair.Verdict == ReachabilityVerdict.Partial && OnlyRoutedDesign(pair, analysis))) continue;
            var names = new[] { pair.From.Name, pair.To.Name };
            var evidence = pair.Escape;
            if (pair.Verdict == ReachabilityVerdict.Allowed)
                yield return Finding.Of(FindingCodes.NetworksNotIsolated,
                    $"{family}containers of {pair.From.Name} can open any connection to containers of {pair.To.Name}: the networks are not isolated. Remove or narrow the rules that accept this traffic (evidence), or restore Docker's isolation rules (restart dockerd).",
                    names, evidence: evidence);
            else if (pair.Verdict == ReachabilityVerdict.Partial && pair.Flows.All(f => f.Kind == "one-way"))
                yield return Finding.Of(FindingCodes.NetworksPartlyOpen,
                    $"{family}packets from containers of {pair.From.Name} get into containers of {pair.To.Name} ({Describe(pair.Flows)}) but the replies are dropped: no connection completes, yet one-way traffic (UDP, ICMP) gets through. Remove the rule that lets them in (evidence), or open the replies too if the traffic is intended.",
                    names, evidence: evidence);
            else if (pair.Verdict == ReachabilityVerdict.Partial && pair.Flows.All(f => f.Kind == ReplyFate.OpeningOnly))
                yield return Finding.Of(FindingCodes.NetworksPartlyOpen,
                    $"{family}containers of {pair.From.Name} can open connections to containers of {pair.To.Name} ({Describe(pair.Flows)}) and the replies come back, but the requests' later packets (ESTABLISHED: the handshake's ACK, the data) are dropped: no connection carries data, yet the first packet of each (a UDP datagram, a ping) gets through and is answered. Remove the rule that lets them in (evidence), or let the later packets through too (-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT) if the traffic is intended.",
                    names, evidence: evidence);
            else if (pair.Verdict == ReachabilityVerdict.Partial)
                yield return Finding.Of(FindingCodes.NetworksPartlyOpen,
                    $"{family}containers of {pair.From.Name} can reach containers of {pair.To.Name} for {Describe(pair.Flows)}. If that is not intended, remove the rules that open it (evidence).",
                    names, evidence: evidence);
        }
    }

    private static IEnumerable<(string Bridge, List<AllowedFlow> Flows, IEnumerable<Evidence> Evidence)> FromOutside(AuditAnalysis analysis)
    {
        var passes = analysis.Passes;
        foreach (var (bridge, pieces) in passes.FromOutside())
        {
            var network = analysis.Inputs.NetworkOfBridge(bridge)!;
            // Routed networks are reachable by design; nat-unprotected ones are not.
            if ((network.Family == Model.Values.IpFamily.V4 ? network.Network.GatewayModeIpv4 : network.Network.GatewayModeIpv6) == "routed") continue;
            var published = analysis.Ports.Where(p => p.Network == network && p.Report.ContainerIp is { } ip)
                .SelectMany(p => new[] { PublishedBox(passes, p), HostSideBox(analysis, p) })
                // A port published to a container the rules do not name (a DNAT nft lists without its
                // destination) may be any one of its protocol: uncertain, which the view's notice says.
                .Concat(analysis.Inputs.View.UnnamedPublications.Select(p => p.Protocol is { } proto
                    ? passes.Whole().With(Dimension.Proto, IntervalSet.Single((UInt128)proto)) : passes.Whole()))
                .ToList();
            var open = new List<(Piece Piece, PacketSet Left)>();
            foreach (var piece in passes.ToContainersOf(pieces, network).Where(p => p.Verdict == ReachVerdict.Accept))
            {
                var rest = published.Aggregate(PacketSet.Of(piece.Box), (s, b) => s.Subtract(b));
                if (!rest.IsEmpty) open.Add((piece, rest));
            }

            if (open.Count == 0) continue;
            var whole = passes.ContainerAddresses(network);
            // Grouped as every flow of the audit is (FlowMerge): flows that differ only by protocol are one.
            var flows = FlowMerge.Of(open.SelectMany(o => o.Left.Boxes).Select(b => (b, ReplyFate.Connection, false)), whole, passes.Space, network.Family).ToList();
            var evidence = open.Select(o => EvidenceOf.Deciding(o.Piece.Region)).OfType<ResponsibleRule>().Distinct()
                .Select(r => EvidenceOf.Rule(analysis.Inputs.Ruleset, r, "accepts traffic from outside"));
            yield return (bridge, flows, evidence);
        }
    }

    /// <summary>
    /// A routed network (IPv4 gateway mode) is reachable by design, from other bridges too, on its
    /// containers' open ports and by ICMP (docker-rules.md 4.3, 4.5): a pair into one whose every open
    /// packet is one of those is a fact of the matrix, not a finding. Anything more still is.
    /// </summary>
    private static bool OnlyRoutedDesign(PairReach pair, AuditAnalysis analysis)
    {
        if (pair.To.Network.GatewayModeIpv4 != "routed" || pair.To.Family != Model.Values.IpFamily.V4) return false;
        var passes = analysis.Passes;
        if (!passes.From(pair.From).TryGetValue(pair.To.Bridge, out var pieces)) return false;
        // The view's ports, host port or not: a routed network opens the container port itself.
        var design = analysis.Inputs.View.Containers
            .SelectMany(c => c.Endpoints.Where(e => e.Ipv4 is { } ip && analysis.Inputs.NetworkOfAddress(ip) is { } n ? n == pair.To : e.Network == pair.To.Name)
                .SelectMany(e => c.Ports.Select(p => ContainerPortBox(passes, e.Ipv4!.Value, p.Protocol, p.ContainerPort))))
            .Append(passes.Whole().With(Dimension.Proto, IntervalSet.Single((UInt128)Model.Values.Protocol.Icmp)));
        return passes.ToContainersOf(pieces, pair.To).Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe)
            .All(p => design.Aggregate(PacketSet.Of(p.Box), (rest, b) => rest.Subtract(b)).IsEmpty);
    }

    private static Box PublishedBox(SymbolicPasses passes, PortFacts port) =>
        ContainerPortBox(passes, Model.Values.IpAddressValue.Parse(port.Report.ContainerIp, port.Family), port.Report.Protocol, port.Report.ContainerPort);

    private static Box ContainerPortBox(SymbolicPasses passes, UInt128 ip, string protocol, int port)
    {
        var proto = Model.Values.Protocol.TryParse(protocol, out var p) ? p!.Number : 6;
        return passes.Whole().With(Dimension.Dst, IntervalSet.Single(ip)).With(Dimension.Proto, IntervalSet.Single((UInt128)proto))
            .With(Dimension.Dport, IntervalSet.Single((UInt128)port));
    }

    /// <summary>
    /// The same published port as packets reach it through the host: to a host address it is bound to
    /// (any local address for 0.0.0.0) on the host port, which the DNAT sends to the container. Where a
    /// subnet is known no container address is local, so this covers nothing extra; where it is not,
    /// every address may be the container's, and without it the DNATed traffic would count as unpublished.
    /// </summary>
    private static Box HostSideBox(AuditAnalysis analysis, PortFacts port)
    {
        var proto = Model.Values.Protocol.TryParse(port.Report.Protocol, out var p) ? p!.Number : 6;
        var bound = !port.BoundToAnyAddress && Model.Values.IpAddressValue.TryParse(port.Report.HostIp!, port.Family, out var ip)
            ? IntervalSet.Single(ip)
            : analysis.Inputs.HostModel.LocalAddresses;
        return analysis.Passes.Whole().With(Dimension.Dst, bound).With(Dimension.Proto, IntervalSet.Single((UInt128)proto))
            .With(Dimension.Dport, IntervalSet.Single((UInt128)port.Report.HostPort!.Value));
    }

    internal static string Describe(IEnumerable<AllowedFlow> flows) =>
        string.Join("; ", flows.Take(8).Select(f => $"{f.Protocol}{(f.Ports is null ? "" : "/" + f.Ports)}{(f.IcmpTypes is null ? "" : " " + FlowWords.IcmpTypes(f.IcmpTypes))}{(f.Sources is null ? "" : " from " + f.Sources)}{(f.SourcePorts is null ? "" : " " + FlowWords.SourcePorts(f.SourcePorts))}{(f.Destinations is null ? "" : " to " + f.Destinations)}{(f.Via is null ? "" : " via " + f.Via)}{(f.Possible ? " (possible)" : "")}{(f.Kind == "one-way" ? " (one-way)" : f.Kind == ReplyFate.OpeningOnly ? " (opening-only)" : "")}"))
        + (flows.Count() > 8 ? $"; and {flows.Count() - 8} more" : "");
}
