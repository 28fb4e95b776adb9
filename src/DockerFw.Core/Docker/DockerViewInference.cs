using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;

namespace DockerFw.Core.Docker;

/// <summary>
/// Reconstructs the Docker networks and published ports a ruleset was written for, when no Engine
/// data is at hand. Docker's rule templates (docs/docker-inference.md) name each bridge in a set of
/// rules its layout writes for every bridge (<see cref="BridgeEvidence"/>: one rule of that shape is
/// an admin's) and each subnet in its NAT or internal-network rules; that is all that can be
/// known. Network names are the bridge names, and a subnet Docker never wrote stays unknown.
/// </summary>
public static class DockerViewInference
{
    public static DockerView Infer(Ruleset ruleset)
    {
        // Docker 29 with firewall-backend nftables writes its own table instead of iptables rules.
        if (NftLayoutInference.DockerTable(ruleset) is { } native) return NftLayoutInference.Infer(native, ruleset.Family);
        // iptables-nft's tables given only as nft lists them are the same evidence (Ruleset.IptablesTable).
        var filter = ruleset.IptablesTable("filter");
        var nat = ruleset.IptablesTable("nat");
        var byInterface = RulesByInterface.Of(filter, nat);
        var evidence = BridgeEvidence.Of(filter, nat);
        var networks = evidence.Bridges.Select(b => NetworkFor(b, byInterface.Filter(b), byInterface.Nat(b))).ToImmutableArray();
        var containers = PublishedContainers(ruleset.Family, filter, nat, networks);
        return new DockerView(networks, containers, Inferred: true)
        {
            InferenceDoubts = [.. evidence.Doubts, .. UnlistedOptions(networks, byInterface, nat)],
            UnnamedPublications = [.. (nat?.Rules ?? []).Where(r => r.IsListedWithoutOptions("DNAT"))
                .Select(r => new UnnamedPublication(RuleText.Of(r), r.ProtocolOf()?.Value.Number))],
        };
    }

    /// <summary>
    /// What an nft listing of iptables-nft's tables leaves out of the view: an SNAT's address and a
    /// DNAT's destination are options of xt targets, which nft does not list.
    /// </summary>
    private static IEnumerable<string> UnlistedOptions(ImmutableArray<DockerNetwork> networks, RulesByInterface byInterface, Table? nat)
    {
        foreach (var network in networks)
            if (Outbound(network.Bridge!, byInterface.Nat(network.Bridge!)) is { } rule && rule.IsListedWithoutOptions("SNAT"))
                yield return $"{network.Bridge}'s SNAT address is unknown: nft lists iptables-nft's SNAT ('{RuleText.Of(rule)}') without its options; give iptables-save's view (--iptables) for it";
        foreach (var rule in nat?.Rules ?? [])
            if (rule.IsListedWithoutOptions("DNAT"))
                yield return $"the container a DNAT publishes is unknown ('{RuleText.Of(rule)}' in nat {rule.Chain}): nft lists iptables-nft's DNAT without its destination, so any connection {Of(rule)}into a container may be its published port (none is reported unpublished); give iptables-save's view (--iptables) for the published ports";
    }

    private static string Of(Rule dnat) => dnat.ProtocolOf() is { } p ? $"of {p.Value.Name} " : "";

    // Docker's outbound NAT of a bridge: -s SUBNET ! -o BR -j MASQUERADE (or SNAT).
    private static Rule? Outbound(string bridge, IReadOnlyList<Rule> nat) =>
        nat.FirstOrDefault(r => r.Chain == "POSTROUTING" && r.NatsSource()
            && r.Out() is { Negated: true } o && o.Value.Text == bridge
            && r.Address(AddressField.Source) is { Negated: false });

    /// <param name="filter">The filter rules that name <paramref name="bridge"/> as -i or -o, in order.</param>
    /// <param name="nat">The nat rules that name it, in order.</param>
    private static DockerNetwork NetworkFor(string bridge, IReadOnlyList<Rule> filter, IReadOnlyList<Rule> nat)
    {
        var outbound = Outbound(bridge, nat);
        var internalDrop = filter.FirstOrDefault(r => RuleShape.IsDockerChain(r.Chain) && r.Is(Verdict.Drop)
            && r.Out() is { Negated: false } o && o.Value.Text == bridge
            && r.Address(AddressField.Source) is { Negated: true });
        var subnet = outbound?.Address(AddressField.Source)?.Value ?? internalDrop?.Address(AddressField.Source)?.Value;
        var iccDrop = filter.Any(r => r.Is(Verdict.Drop) && r.In() is { Negated: false } i && i.Value.Text == bridge
            && r.Out() is { Negated: false } o && o.Value.Text == bridge);
        var unprotected = filter.Any(r => r.Chain == "DOCKER" && r.Is(Verdict.Accept) && r.In() is { Negated: true } i
            && i.Value.Text == bridge && r.Out() is { Negated: false } o && o.Value.Text == bridge && r.ProtocolOf() is null);
        var routed = filter.Any(r => r.Chain == "DOCKER" && r.Is(Verdict.Accept) && r.Out()?.Value.Text == bridge
            && r.ProtocolOf()?.Value.Number is Protocol.Icmp or Protocol.IcmpV6 && r.In() is null);

        return new DockerNetwork(
            Name: bridge,
            Id: "",
            Driver: "bridge",
            Subnets: subnet is null ? [] : [new DockerSubnet(subnet, null)],
            Internal: internalDrop is not null,
            EnableIcc: !iccDrop,
            EnableIpMasquerade: outbound is not null,
            HostBindingIpv4: null,
            GatewayModeIpv4: routed ? "routed" : unprotected ? "nat-unprotected" : "nat",
            BridgeOption: bridge,
            IsDefaultBridge: bridge == "docker0")
        {
            SnatTo = outbound?.Target is SnatTarget { To: { } to } ? to.Format() : null,
        };
    }

    private static ImmutableArray<DockerContainer> PublishedContainers(IpFamily family, Table? filter, Table? nat, ImmutableArray<DockerNetwork> networks)
    {
        var bindings = new List<(UInt128 Ip, string? Bridge, PortBinding Port)>();
        foreach (var rule in nat?.Rules ?? [])
        {
            if (rule.Target is not DnatTarget { To: { First: { } ip } to }) continue;
            var proto = rule.ProtocolOf()?.Value.Name ?? "tcp";
            var hostPort = rule.Port(AddressField.Destination)?.Range.First;
            // Without -d the port is bound to every address of the rule's family, as Docker lists it.
            var hostIp = rule.Address(AddressField.Destination) is { Negated: false } d ? IpAddressValue.Format(d.Value.Address, family)
                : family == IpFamily.V4 ? "0.0.0.0" : "::";
            var bridge = networks.FirstOrDefault(n => n.Subnets.Any(s => s.Network.Contains(ip)))?.Bridge
                ?? (rule.In() is { Negated: true } i ? i.Value.Text : null);
            bindings.Add((ip, bridge, new PortBinding(proto, to.Ports?.First ?? hostPort ?? 0, hostIp, hostPort)));
        }

        // A routed network may have no DNAT: its published ports show as Docker's per-port accepts.
        foreach (var network in networks.Where(n => n.GatewayModeIpv4 == "routed"))
            foreach (var rule in filter?["DOCKER"]?.Rules ?? [])
                if (rule.Out() is { Negated: false } o && o.Value.Text == network.Bridge && rule.OpenContainerPort(family) is { } open)
                    AddOnce(bindings, open.Ip, network.Bridge, open.Port);

        return bindings.GroupBy(b => b.Ip).Select(g =>
        {
            var name = IpAddressValue.Format(g.Key, family);
            var bridge = g.First().Bridge;
            DockerEndpoint endpoint = family == IpFamily.V4
                ? new(bridge ?? "", null, g.Key, null, [])
                : new(bridge ?? "", null, null, g.Key, []);
            return new DockerContainer(name, name, true, bridge ?? "default", [endpoint], [], g.Select(b => b.Port).ToImmutableArray(), []);
        }).ToImmutableArray();
    }

    private static void AddOnce(List<(UInt128 Ip, string? Bridge, PortBinding Port)> bindings, UInt128 ip, string? bridge, PortBinding port)
    {
        if (!bindings.Any(b => b.Ip == ip && b.Port.Protocol == port.Protocol && b.Port.ContainerPort == port.ContainerPort))
            bindings.Add((ip, bridge, port));
    }
}
