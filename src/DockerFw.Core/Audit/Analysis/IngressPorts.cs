using System.Collections.Immutable;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The service ports of swarm's routing mesh, found by what the rules do rather than by chain names:
/// every new connection from outside (any client but the containers, any port) to the host's
/// addresses, followed by the symbolic engine through every table towards docker_gwbridge; the
/// connections a DNAT sends into docker_gwbridge's subnet (Docker's DOCKER-INGRESS sends them to the
/// ingress sandbox, which IPVS then balances over the service's tasks) are the published ports, and
/// the filter's verdict on them says whether they get in.
/// </summary>
public static class IngressPorts
{
    public static ImmutableArray<IngressPortReport> Judge(AuditInputs inputs, SymbolicPasses passes, AuditedNetwork gwbridge)
    {
        if (gwbridge.Subnet is not { } subnet) return [];
        var space = passes.Space;
        var outside = inputs.Networks.Where(n => n.Subnet is not null)
            .Aggregate(IntervalSet.Empty, (s, n) => s.Union(IntervalSet.Range(n.Subnet!.Bounds.First, n.Subnet.Bounds.Last)))
            .Complement(space.MaxOf(Dimension.Src));
        var reports = ImmutableArray.CreateBuilder<IngressPortReport>();
        foreach (var (protocol, name) in new[] { (Protocol.Tcp, "tcp"), (Protocol.Udp, "udp") })
        {
            var query = new ReachQuery(PacketPath.Forward)
            {
                In = new InterfacePattern(HostModel.Uplink),
                Out = new InterfacePattern(gwbridge.Bridge),
                Protocol = Protocol.FromNumber(protocol),
                State = ConntrackStates.New,
            }.ToPacketSet(space).Intersect(passes.Whole().With(Dimension.Src, outside).With(Dimension.Dst, inputs.HostModel.UplinkAddresses));
            var result = SymbolicEngine.Reach(passes.Rules, PacketPath.Forward, query);
            var nated = result.Regions.Select(r => (Region: r, To: DnatInto(inputs, r, subnet))).Where(x => x.To is not null).ToList();
            foreach (var group in nated.GroupBy(x => x.To!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                IntervalSet Ports(Func<ReachVerdict, bool> which) => group.Where(x => which(x.Region.Verdict))
                    .SelectMany(x => x.Region.Packets.Boxes).Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dport]));
                var accepted = Ports(v => v == ReachVerdict.Accept);
                var blocked = Ports(v => v is ReachVerdict.Drop or ReachVerdict.Reject);
                var maybe = Ports(v => v == ReachVerdict.Maybe);
                var all = accepted.Union(blocked).Union(maybe);
                // Each port range by its own fate: a port open to some clients and not others is partial.
                foreach (var (first, last) in all.Ranges)
                {
                    var range = IntervalSet.Range(first, last);
                    var verdict = !range.Intersect(maybe).IsEmpty ? PathVerdict.Uncertain
                        : range.IsSubsetOf(accepted) && range.Intersect(blocked).IsEmpty ? PathVerdict.Open
                        : range.IsSubsetOf(blocked) && range.Intersect(accepted).IsEmpty ? PathVerdict.Blocked
                        : PathVerdict.Partial;
                    var deciding = group.Where(x => !x.Region.Packets.Boxes.Select(b => b[Dimension.Dport]).Aggregate(IntervalSet.Empty, (s, d) => s.Union(d)).Intersect(range).IsEmpty)
                        .Where(x => verdict is PathVerdict.Open or PathVerdict.Uncertain || x.Region.Verdict is ReachVerdict.Drop or ReachVerdict.Reject)
                        .Select(x => EvidenceOf.Deciding(x.Region) is { } rule
                            ? EvidenceOf.Rule(inputs.Ruleset, rule, x.Region.Verdict == ReachVerdict.Accept ? "lets the port in" : "keeps the port out")
                            : new Evidence("filter", "FORWARD", 0, 0, "policy of filter/FORWARD", "keeps the port out"))
                        .Distinct().ToImmutableArray();
                    reports.Add(new IngressPortReport(name, first == last ? $"{first}" : $"{first}-{last}", group.Key, OverlayFacts.Word(verdict), deciding));
                }
            }
        }

        return reports.ToImmutable();
    }

    /// <summary>Where the region's DNAT sends it, when into docker_gwbridge's subnet (the ingress sandbox); else null.</summary>
    private static string? DnatInto(AuditInputs inputs, ReachRegion region, AddressMask subnet) =>
        region.Rules.Select(r => PortReach.SourceOf(inputs.Ruleset, r)?.Target).OfType<DnatTarget>()
            .LastOrDefault(t => t.To is { First: { } first } && subnet.Contains(first))?.To is { } to
            ? IpAddressValue.Format(to.First!.Value, IpFamily.V4)
            : null;
}
