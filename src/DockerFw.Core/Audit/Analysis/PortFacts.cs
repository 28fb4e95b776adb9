using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// One published port in the family of its analysis, proven over every new connection from outside
/// (<see cref="PortReach"/>): whether the filter lets the connections Docker's DNAT sends to the
/// container in (all, none, or partial with the clients and host addresses that get in), whether any
/// reaches the container port through every table, and what INPUT alone would have done to the host
/// port, which is what a host firewall (ufw) decides.
/// </summary>
public sealed record PortFacts(
    PublishedPortReport Report,
    DockerContainer Container,
    AuditedNetwork? Network,
    bool? Reachable,
    ImmutableArray<Evidence> Path,
    ImmutableArray<Evidence> FilterEvidence,
    bool? InputBlocks,
    ImmutableArray<Evidence> InputEvidence)
{
    public IpFamily Family { get; init; } = IpFamily.V4;

    /// <summary>The symbolic answer the facts are read from; null when the container is on no audited network.</summary>
    public PortReach? Reach { get; init; }

    /// <summary>Whether the replies of the connections that get in come back (oracle F35).</summary>
    public PortReplies Replies { get; init; } = PortReplies.None;

    public bool BoundToAnyAddress => Report.HostIp is null or "" || Report.HostIp == (Family == IpFamily.V4 ? "0.0.0.0" : "::");

    public bool BoundToLoopback => Family == IpFamily.V4 ? Report.HostIp?.StartsWith("127.", StringComparison.Ordinal) == true : Report.HostIp == "::1";

    /// <summary>An address as a port mapping writes it: IPv6 in brackets, so that a port can follow.</summary>
    public static string Bracketed(string address) => address.Contains(':') ? $"[{address}]" : address;

    public static IEnumerable<PortFacts> Probe(AuditInputs inputs, SymbolicPasses passes)
    {
        var family = inputs.Family;
        foreach (var container in inputs.View.Containers)
        {
            var endpoints = container.Endpoints.Where(e => AddressOf(e, family) is not null).ToList();
            if (endpoints.Count == 0) continue;
            foreach (var port in container.Ports.Where(p => p.HostPort is not null && Binds(p, inputs)))
            {
                var hostIp = port.HostIp is { Length: > 0 } h ? h : family == IpFamily.V4 ? "0.0.0.0" : "::";
                UInt128 bound = IpAddressValue.TryParse(hostIp, family, out var b) ? b : 0;
                // Bound to every address: judged on every address the host may have, never one standing for the rest.
                var everyHost = bound == 0 ? inputs.HostModel.LocalAddresses : null;
                var hosts = everyHost ?? IntervalSet.Single(bound);
                var proto = Protocol.TryParse(port.Protocol, out var p) ? p!.Number : Protocol.Tcp;
                // A container on several networks is published through one of its endpoints (the one
                // with the default gateway): the one Docker's DNAT sends the port to.
                var answers = endpoints.Select(e => (Endpoint: e, Ip: AddressOf(e, family)!.Value,
                        Network: inputs.NetworkOfAddress(AddressOf(e, family)!.Value) ?? inputs.NetworkNamed(e.Network)))
                    .Select(e => (e.Ip, e.Network, Reach: e.Network is null ? null
                        : PortReach.Of(inputs, passes, e.Network, e.Ip, port.ContainerPort, hosts, proto, port.HostPort!.Value)))
                    .ToList();
                // None NATed (an admin's nat RETURN first, oracle F59): the endpoint Docker's DNAT names, not the
                // first listed (seed 5562 judged the container's address on another network).
                var (ip, network, reach) = answers.FirstOrDefault(a => a.Reach?.Nated == true,
                    answers.FirstOrDefault(a => PortReach.DnatNames(inputs.Ruleset, a.Ip, port.ContainerPort), answers[0]));
                var (bypass, inputEvidence) = reach is null ? (null, []) : Bypass(inputs, passes, reach, hosts, proto, port.HostPort!.Value);
                var filter = reach?.Filter;
                var replies = reach is null ? PortReplies.None : PortReplies.Of(reach, container, network!, ip, port.ContainerPort, passes, inputs);
                var report = new PublishedPortReport(port.Protocol, hostIp, port.HostPort, IpAddressValue.Format(ip, family), port.ContainerPort,
                    network?.Name, inputs.ViewInferred ? null : container.Name, filter is null or ReachabilityVerdict.Partial ? null : filter == ReachabilityVerdict.Allowed)
                {
                    Partial = filter == ReachabilityVerdict.Partial ? PortClientsOf.Of(reach!, passes.Space, everyHost) : null,
                    RepliesDropped = replies.Dying.IsEmpty ? null : replies.AllDie ? "all" : PortClientsOf.Connections(replies.Dying, replies.Arrived, passes.Space),
                    RepliesUnrouted = replies.Unrouted.IsEmpty ? null
                        : replies.Unrouted.SameAs(replies.Arrived) ? "all" : PortClientsOf.Connections(replies.Unrouted, replies.Arrived, passes.Space),
                    RepliesUncertain = replies.Uncertain.IsEmpty ? null
                        : $"{PortClientsOf.Connections(replies.Uncertain, replies.Arrived, passes.Space)}: {string.Join("; ", replies.Doubts)}",
                    LaterDropped = replies.LaterDying.IsEmpty ? null : replies.AllLaterDie ? "all" : PortClientsOf.Connections(replies.LaterDying, replies.Returning, passes.Space),
                    Nated = reach?.NatedShare,
                    NotNated = reach is { NatedShare: ReachabilityVerdict.Partial } ? PortClientsOf.Connections(reach.NotNated, reach.Arriving, passes.Space) : null,
                };
                yield return new PortFacts(
                    report, container, network,
                    reach?.Reachable,
                    reach is null ? [] : PathOf(inputs, reach),
                    reach is null ? [] : Blocking(inputs, reach),
                    bypass,
                    inputEvidence)
                { Family = family, Reach = reach, Replies = replies };
            }
        }
    }

    /// <summary>
    /// Whether some client that INPUT would turn away at the host port (what a host firewall such as
    /// ufw decides, the nat table aside) reaches the container anyway through DNAT and FORWARD; null
    /// when only undecidable rules say so. Judged over every client, so an INPUT rule that admits
    /// exactly the clients the forward path admits is no bypass. The evidence names INPUT's rules.
    /// </summary>
    private static (bool? Bypass, ImmutableArray<Evidence> Evidence) Bypass(AuditInputs inputs, SymbolicPasses passes, PortReach reach,
        IntervalSet hosts, int protocol, int hostPort)
    {
        var rules = passes.WithoutNat;
        var space = rules.Space;
        var arriving = new ReachQuery(PacketPath.Input)
        {
            Protocol = Protocol.FromNumber(protocol),
            State = ConntrackStates.New,
            Opening = true,
        }.ToPacketSet(space).Intersect(passes.Whole().With(Dimension.In, OutsideInterfaces.Of(space, inputs)).With(Dimension.Dst, hosts).With(Dimension.Dport, IntervalSet.Single((UInt128)hostPort)));
        var regions = SymbolicEngine.Reach(rules, PacketPath.Input, arriving).Regions;
        // Both walks keep the packets as they arrived; only the output interface tells them apart. The
        // port's reach is of the whole ruleset's space, which beside nft tables is not this one's.
        var translation = passes.Translation(passes.Space, space);
        PacketSet Arrival(PacketSet packets) => new([.. packets.Boxes.Select(b => b.With(Dimension.Out, space.Full(Dimension.Out)))]);
        PacketSet Here(PacketSet packets) => translation.Identity ? packets : new([.. packets.Boxes.Select(translation.Forward)]);
        var (reached, maybe) = (Arrival(Here(reach.Reached)), Arrival(Here(reach.ReachedMaybe)));
        var blocking = regions.Where(r => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject && !Arrival(r.Packets).Intersect(reached).IsEmpty).ToList();
        var evidence = blocking.Select(EvidenceOf.Deciding).OfType<ResponsibleRule>().Distinct()
            .Select(r => EvidenceOf.Rule(inputs.Ruleset, r, "blocks the port in INPUT") with { Family = inputs.Family }).ToImmutableArray();
        if (blocking.Count > 0) return (true, evidence);
        var undecided = regions.Any(r => r.Verdict == ReachVerdict.Maybe && !Arrival(r.Packets).Intersect(reached.Union(maybe)).IsEmpty)
            || regions.Any(r => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject && !Arrival(r.Packets).Intersect(maybe).IsEmpty);
        return (undecided ? null : false, []);
    }

    /// <summary>The rules on the way of the connections that reach the container.</summary>
    private static ImmutableArray<Evidence> PathOf(AuditInputs inputs, PortReach reach) =>
        reach.Regions.FirstOrDefault(r => r.Verdict == ReachVerdict.Accept && r.Packets.Intersect(reach.Reached).Boxes.Length > 0) is { } region
            ? [.. region.Rules.Select(r => EvidenceOf.Rule(inputs.Ruleset, r, "on the way in"))]
            : [];

    /// <summary>The rule that keeps each blocked part of the NATed connections out, or the FORWARD policy.</summary>
    private static ImmutableArray<Evidence> Blocking(AuditInputs inputs, PortReach reach) =>
        [.. reach.Blocking.Select(region =>
        {
            var decided = region.Rules.Reverse().FirstOrDefault(r =>
                PortReach.SourceOf(inputs.Ruleset, r)?.Target is VerdictTarget { Verdict: Verdict.Drop } or RejectTarget);
            var role = "keeps the port out";
            return decided is null
                ? new Evidence("filter", "FORWARD", 0, 0, "policy of filter/FORWARD", role) { Family = inputs.Family }
                : EvidenceOf.Rule(inputs.Ruleset, decided, role);
        }).Distinct()];

    private static UInt128? AddressOf(DockerEndpoint endpoint, IpFamily family) => family == IpFamily.V4 ? endpoint.Ipv4 : endpoint.Ipv6;

    /// <summary>
    /// Whether the family's rules publish this binding: an address of the family (<c>0.0.0.0</c> or
    /// <c>::</c> for every one) or none. A <c>::</c> binding is no IPv4 fact: with ip6tables off only
    /// docker-proxy serves it, on the host's input path, never through Docker's IPv4 DNAT. A view
    /// inferred from the family's own rules holds nothing else.
    /// </summary>
    private static bool Binds(PortBinding port, AuditInputs inputs) =>
        inputs.ViewInferred || port.HostIp is null or "" || IpAddressValue.TryParse(port.HostIp, inputs.Family, out _);
}
