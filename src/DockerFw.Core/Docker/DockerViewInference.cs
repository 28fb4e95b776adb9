using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Docker;

/// <summary>
/// Reconstructs the Docker networks and published ports a ruleset was written for, when no Engine
/// data is at hand. Docker's rule templates (docs/docker-inference.md) name each bridge in the
/// chains it owns and each subnet in its NAT or internal-network rules; that is all that can be
/// known. Network names are the bridge names, and a subnet Docker never wrote stays unknown.
/// </summary>
public static class DockerViewInference
{
    public static DockerView Infer(Ruleset ruleset)
    {
        // Docker 29 with firewall-backend nftables writes its own table instead of iptables rules.
        if (NftLayoutInference.DockerTable(ruleset) is { } native) return NftLayoutInference.Infer(native, ruleset.Family);
        var filter = ruleset["filter"];
        var nat = ruleset["nat"];
        var byInterface = RulesByInterface.Of(filter, nat);
        var bridges = BridgesOf(filter, nat, byInterface);
        var networks = bridges.Select(b => NetworkFor(b, byInterface.Filter(b), byInterface.Nat(b))).ToImmutableArray();
        var containers = PublishedContainers(ruleset.Family, filter, nat, networks);
        return new DockerView(networks, containers, Inferred: true);
    }

    private static IReadOnlyList<string> BridgesOf(Table? filter, Table? nat, RulesByInterface byInterface)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(InterfaceMatch? m)
        {
            if (m is not null && m.Value.Text != "lo" && seen.Add(m.Value.Text)) names.Add(m.Value.Text);
        }

        foreach (var rule in filter?.Rules ?? [])
        {
            var dockerOwned = RuleShape.IsDockerChain(rule.Chain);
            var forwardToDocker = rule.Chain == "FORWARD"
                && (rule.Target is JumpTarget { Chain: var c } && RuleShape.IsDockerChain(c)
                    || rule.In()?.Value == rule.Out()?.Value && rule.In() is not null
                    || rule.Matches.OfType<ConntrackStateMatch>().Any() && rule.Out() is not null && !rule.Out()!.Negated);
            if (!dockerOwned && !forwardToDocker) continue;
            Add(rule.In());
            Add(rule.Out());
        }

        foreach (var rule in nat?.Rules ?? [])
        {
            if (rule.Chain == "DOCKER" && rule.Is(Verdict.Return)) Add(rule.In());
            if (rule.Chain == "POSTROUTING" && rule.Target is MasqueradeTarget or SnatTarget && rule.Out() is { Negated: true } o) Add(o);
        }

        // An admin's FORWARD rule (e.g. -i eth0 -o eth0 -j ACCEPT) looks like an ICC rule: keep only
        // interfaces that Docker also names in a chain of its own or in its NAT rules.
        return names.Where(n => NamedByDocker(n, byInterface)).ToList();
    }

    // Every condition names the bridge as -i or -o, so only the rules that mention it are looked at.
    private static bool NamedByDocker(string bridge, RulesByInterface byInterface) =>
        byInterface.Filter(bridge).Any(r => (RuleShape.IsDockerChain(r.Chain) && NamesAsDocker(r, bridge)) || (r.Chain == "FORWARD" && r.JumpsTo("DOCKER") && r.Out()?.Value.Text == bridge))
        || byInterface.Nat(bridge).Any(r => (r.Chain == "DOCKER" && r.In()?.Value.Text == bridge)
            || (r.Chain == "POSTROUTING" && r.Target is MasqueradeTarget or SnatTarget && r.Out() is { Negated: true } o && o.Value.Text == bridge));

    /// <summary>
    /// Whether a rule of one of Docker's chains names <paramref name="bridge"/> as Docker's templates name
    /// a bridge: in both directions (<c>! -i BR -o BR</c>, <c>-i BR ! -o BR</c>, <c>-i BR -o BR</c>, with a
    /// published port's address and port beside), or in one with nothing but interfaces and conntrack's
    /// state beside (<c>-o BR -j DOCKER</c>, <c>-o BR --ctstate RELATED,ESTABLISHED -j ACCEPT</c>,
    /// <c>-i BR -j ACCEPT</c>, 17.x's <c>-i BR1 -o BR2 -j DROP</c>, an internal network's <c>! -s SUBNET -o BR
    /// -j DROP</c>). An admin's rule in Docker's chain that
    /// names an interface beside a port (<c>-A DOCKER-INGRESS -i eth0 -p tcp --dport 8080 -j DROP</c>) is
    /// neither: eth0 read as a bridge made a network of it, and every question about the outside left it out.
    /// </summary>
    private static bool NamesAsDocker(Rule rule, string bridge)
    {
        var (inNamed, outNamed) = (rule.In()?.Value.Text == bridge, rule.Out()?.Value.Text == bridge);
        return (inNamed && outNamed)
            || ((inNamed || outNamed) && rule.Matches.All(m => m is InterfaceMatch or ConntrackStateMatch or CommentMatch or AddressMatch { Negated: true }));
    }

    /// <param name="filter">The filter rules that name <paramref name="bridge"/> as -i or -o, in order.</param>
    /// <param name="nat">The nat rules that name it, in order.</param>
    private static DockerNetwork NetworkFor(string bridge, IReadOnlyList<Rule> filter, IReadOnlyList<Rule> nat)
    {
        var outbound = nat.FirstOrDefault(r => r.Chain == "POSTROUTING"
            && r.Target is MasqueradeTarget or SnatTarget
            && r.Out() is { Negated: true } o && o.Value.Text == bridge
            && r.Address(AddressField.Source) is { Negated: false });
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
