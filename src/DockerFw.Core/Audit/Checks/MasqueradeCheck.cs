using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Audit.Fabric;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// Each masquerading network is NATed when leaving by another interface and not when staying on its
/// bridge; internal and masquerade-off networks are not NATed; a source NAT covering a subnet no
/// network owns is reported. Each is proven over every packet by the symbolic engine in the nat table
/// (<see cref="OutboundNat"/>), partial with the flows when only some packets are NATed.
/// </summary>
public sealed class MasqueradeCheck : IAuditCheck
{
    public string Name => "masquerade";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        var analysis = context.Analysis();
        foreach (var (family, prefix) in analysis.Families)
            foreach (var finding in Judge(family, prefix)) yield return finding;

        // On a host without Docker networks every NAT rule is someone else's business.
        if (!analysis.Inputs.Networks.IsEmpty)
            foreach (var finding in UnownedSources(analysis, FabricChains(context))) yield return finding;
    }

    /// <summary>
    /// The nat chains of the fabrics found on the host (flannel's FLANNEL-POSTRTG, weave's WEAVE): they
    /// masquerade the fabric's own pool, which no Docker network owns, by design; the fabric check
    /// judges what they do to Docker's traffic (DFW271, DFW280).
    /// </summary>
    private static HashSet<string> FabricChains(AuditContext context)
    {
        var (flannel, weave) = FabricReport.Found(context);
        var chains = new HashSet<string>(StringComparer.Ordinal);
        if (flannel is not null) chains.Add(FlannelConfig.MasqueradeChain);
        if (weave is not null) chains.Add(WeaveConfig.NatChain);
        return chains;
    }

    private static IEnumerable<Finding> Judge(AuditAnalysis analysis, string prefix)
    {
        foreach (var f in analysis.Networks)
        {
            var n = f.Network.Network;
            var name = f.Network.Name;
            // dockerd with ip6tables off NATs no IPv6 (it routes it): only its IPv4 masquerade is declared then.
            var wanted = n.EnableIpMasquerade && !n.Internal && n.GatewayModeIpv4 is null or "nat" or "nat-unprotected"
                && !(analysis.Inputs.Family == Model.Values.IpFamily.V6 && AuditAnalysis.WithoutIpv6Rules(analysis.Inputs.Context));
            // Nothing leaves a host that forwards nothing (DFW604): there is no outbound traffic to NAT.
            var leaves = f.Outbound.Leaves;
            if (leaves && wanted && f.MasqueradeEffective == false && !analysis.Inputs.ViewInferred)
                yield return Finding.Of(FindingCodes.MasqueradeMissing,
                    $"{prefix}{name} should be masqueraded, but its outbound traffic leaves with container addresses. Restart dockerd to restore its POSTROUTING rules, or add them: {MasqueradeCommand(f.Network)}.",
                    [name]);
            // Only some of it NATed (a hand-written -o eth0 instead of Docker's ! -o BRIDGE, one port): the rest is
            // DFW401's traffic, named by what is NATed, as the report's partial setting names it.
            else if (leaves && wanted && f.Outbound.Nated == ReachabilityVerdict.Partial && !analysis.Inputs.ViewInferred)
                yield return Finding.Of(FindingCodes.MasqueradeMissing,
                    $"{prefix}{name} should be masqueraded, but only part of its outbound traffic is proven NATed ({string.Join("; ", f.Outbound.NatedFlows.Select(FlowWords.Of))}): the rest may leave with container addresses, which replies cannot find. Widen the NAT rule (evidence) to Docker's, or restart dockerd to restore it: {MasqueradeCommand(f.Network)}.",
                    [name], evidence: f.MasqueradeEvidence);
            else if (leaves && f.MasqueradeEffective == false && !n.Internal && n.GatewayModeIpv4 is null or "nat" && analysis.Inputs.ViewInferred)
                yield return Finding.Of(FindingCodes.NoOutboundNat,
                    $"{prefix}{name} is in NAT mode but no rule NATs its outbound traffic: its containers reach outside with their own addresses, which replies cannot find. If the network was created with masquerade on, restore Docker's POSTROUTING rules (restart dockerd).",
                    [name]);
            if (!wanted && f.MasqueradeEffective == true)
                yield return Finding.Of(FindingCodes.MasqueradeUnwanted,
                    $"{prefix}{name} is {(n.Internal ? "internal" : "not meant to be masqueraded")}, but its outbound traffic is NATed. Remove the NAT rule (evidence).",
                    [name], evidence: f.MasqueradeEvidence);
            // NATed on the way out, and the answers dropped on the way back (oracle F35): one-way.
            // A drop in raw or mangle PREROUTING meets the replies before conntrack undoes the NAT: no ACCEPT in FORWARD saves them.
            if (leaves && f.Replies.Dropped is { } dropped)
                yield return Finding.Of(FindingCodes.MasqueradedRepliesDropped,
                    dropped == "all"
                        ? $"{prefix}{name}'s outbound traffic is NATed, but the filter drops every reply to its containers: no connection out completes (one-way). " + (f.Replies.DroppedBeforeNat
                            ? "Remove the rule that drops the replies (evidence): it meets them as they arrive, addressed to the host, before conntrack undoes the NAT."
                            : $"Remove the rule that drops the replies (evidence), or accept them before it (-o {f.Network.Bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT).")
                        : $"{prefix}{name}'s outbound traffic is NATed, but the filter drops the replies to its connections {dropped}: those are one-way. If that is not intended, remove the rule that drops the replies (evidence).",
                    [name], evidence: f.Replies.Evidence);
            // The replies come back but the later packets out die (oracle F38): no data follows the handshake.
            if (leaves && f.Replies.LaterDropped is { } later)
                yield return Finding.Of(FindingCodes.MasqueradedRepliesDropped,
                    later == "all"
                        ? $"{prefix}{name}'s outbound traffic is NATed and the replies come back, but the filter drops the later packets of every connection out (ESTABLISHED: the handshake's ACK, the data): none carries data. Remove the rule that drops them (evidence), or accept them before it (-i {f.Network.Bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT)."
                        : $"{prefix}{name}'s outbound traffic is NATed and the replies come back, but the filter drops the later packets (ESTABLISHED: the handshake's ACK, the data) of its connections {later}: those carry no data. If that is not intended, remove the rule that drops them (evidence).",
                    [name], evidence: f.Replies.LaterEvidence);
            if (f.NatsOwnBridge)
                yield return Finding.Of(FindingCodes.NatInsideBridge,
                    $"{prefix}{(f.OwnBridge.Nated == ReachabilityVerdict.Partial ? $"some traffic between containers of {name} is NATed ({string.Join("; ", f.OwnBridge.NatedFlows.Select(FlowWords.Of))})" : $"traffic between containers of {name} is NATed")}, so they see the gateway instead of each other. Exclude the bridge from the NAT rule (! -o {f.Network.Bridge}).",
                    [name], evidence: f.OwnBridgeNatEvidence);
        }
    }

    /// <summary>Sources the nat table rewrites on the way out that lie in no network's subnet.</summary>
    private static IEnumerable<Finding> UnownedSources(AuditAnalysis analysis, HashSet<string> fabricChains)
    {
        // The nat table as the passes compiled it (the same names and local addresses) unless the host
        // forwards nothing: the passes' copy then lets only bridged traffic through, and this walk is
        // about what the rules would rewrite.
        var nat = analysis.Inputs.HostModel.Forwards ? analysis.Passes.Nat : SymbolicRuleset.Compile(analysis.Inputs.NatOnly,
            analysis.Inputs.Networks.Select(n => new InterfacePattern(n.Bridge)).Append(new InterfacePattern(HostModel.Uplink)),
            analysis.Inputs.HostModel.LocalAddresses, ipSets: analysis.Inputs.HostModel.IpSets);
        var owned = analysis.Inputs.Networks.Where(n => n.Subnet is not null)
            .Aggregate(IntervalSet.Empty, (s, n) => s.Union(IntervalSet.Range(n.Subnet!.Bounds.First, n.Subnet.Bounds.Last)));
        // Only sources outside the networks: Docker's own rules then never split the walk. One box per
        // range of them: the chain index finds a box's candidate rules by the hull of its sources, and
        // the hull of "below the subnets and above them" is the whole space, so with the input interface
        // free (nat DOCKER's `-i br-X -j RETURN` cut the walk into a piece per bridge) every piece met
        // every network's MASQUERADE rule in POSTROUTING: N pieces x N rules.
        var whole = nat.Space.Whole();
        var query = SymbolicPasses.NewFromOutside(nat.Space, analysis.Inputs, Dimension.Out)
            .Intersect(new PacketSet([.. owned.Complement(IpFamily.V4.AllOnes()).Ranges.Select(r => whole.With(Dimension.Src, IntervalSet.Range(r.First, r.Last)))]));
        var byRule = new Dictionary<ResponsibleRule, IntervalSet>();
        foreach (var region in SymbolicEngine.Reach(nat, Semantics.PacketPath.Forward, query).Regions)
        {
            var natRule = region.Rules.LastOrDefault(r => EvidenceOf.Source(analysis.Inputs.Ruleset, r)?.Target is Model.Targets.MasqueradeTarget or Model.Targets.SnatTarget);
            if (natRule is null || (natRule.Table == "nat" && fabricChains.Contains(natRule.Chain))) continue;
            foreach (var box in region.Packets.Boxes)
            {
                var src = box[Dimension.Src].Subtract(owned);
                if (!src.IsEmpty) byRule[natRule] = byRule.TryGetValue(natRule, out var s) ? s.Union(src) : src;
            }
        }

        foreach (var (rule, sources) in byRule)
        {
            var everything = IntervalSet.Range(0, IpFamily.V4.AllOnes());
            var text = everything.IsSubsetOf(sources.Union(owned)) ? "any address" : FlowText.Addresses(sources, everything);
            yield return Finding.Of(FindingCodes.NatForUnknownSubnet,
                $"the nat table rewrites outbound traffic from {text}, which belongs to no Docker network. If it is not another service's (a VPN, a VM bridge), remove the rule (evidence).",
                evidence: [EvidenceOf.Rule(analysis.Inputs.Ruleset, rule, "NATs outbound traffic")]);
        }
    }

    /// <summary>The rule Docker writes, as a command to run: the network's subnet and the right tool and table.</summary>
    private static string MasqueradeCommand(AuditedNetwork network) =>
        $"{(network.Family == IpFamily.V4 ? "iptables" : "ip6tables")} -t nat -A POSTROUTING -s {(network.Subnet is { } subnet ? subnet.ToString() : "SUBNET")} ! -o {network.Bridge} -j MASQUERADE";
}
