using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Docker;

/// <summary>
/// The Docker view of Docker 29's nftables backend (docker-rules.md §5): table <c>docker-bridges</c>
/// of the ruleset's family, one set of chains per bridge named after it
/// (<c>filter-forward-in__BR</c>, <c>nat-postrouting-out__BR</c>), subnets in the masquerade rules,
/// published ports in the DNAT rules of <c>nat-prerouting-and-output</c>.
/// </summary>
public static class NftLayoutInference
{
    public const string TableName = "docker-bridges";

    private const string ForwardIn = "filter-forward-in__";

    /// <summary>Docker's nftables table in <paramref name="ruleset"/>, or null when Docker wrote none.</summary>
    public static Table? DockerTable(Ruleset ruleset) =>
        ruleset.Tables.FirstOrDefault(t => t.IsNative && t.Name == TableName && t.Family == (ruleset.Family == IpFamily.V4 ? "ip" : "ip6"));

    public static DockerView Infer(Table table, IpFamily family)
    {
        var networks = table.Chains.Where(c => c.Name.StartsWith(ForwardIn, StringComparison.Ordinal))
            .Select(c => NetworkFor(c.Name[ForwardIn.Length..], table)).ToImmutableArray();
        return new DockerView(networks, Published(table, family, networks), Inferred: true);
    }

    private static DockerNetwork NetworkFor(string bridge, Table table)
    {
        var forwardIn = table[ForwardIn + bridge]?.Rules ?? [];
        var outbound = (table["nat-postrouting-out__" + bridge]?.Rules ?? [])
            .FirstOrDefault(r => r.Target is MasqueradeTarget or SnatTarget && r.Address(AddressField.Source) is { Negated: false });
        var internalDrop = forwardIn.Any(r => r.Is(Verdict.Drop) && r.In() is { Negated: true } i && i.Value.Text == bridge);
        var iccDrop = forwardIn.Any(r => r.Is(Verdict.Drop) && r.In() is { Negated: false } i && i.Value.Text == bridge);
        var routed = forwardIn.Any(r => r.Is(Verdict.Accept) && r.ProtocolOf()?.Value.Number is Protocol.Icmp or Protocol.IcmpV6);
        // The last rule of an unprotected bridge accepts everything left; a protected one drops it
        // (an internal bridge ends with its ICC accept, everything else having been dropped above).
        var unprotected = !internalDrop && forwardIn.LastOrDefault() is { } last && last.Is(Verdict.Accept) && !last.Matches.Any(m => m is not CommentMatch);
        var subnet = outbound?.Address(AddressField.Source)?.Value;
        return new DockerNetwork(
            Name: bridge,
            Id: "",
            Driver: "bridge",
            Subnets: subnet is null ? [] : [new DockerSubnet(subnet, null)],
            Internal: internalDrop,
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

    private static ImmutableArray<DockerContainer> Published(Table table, IpFamily family, ImmutableArray<DockerNetwork> networks)
    {
        var bindings = new List<(UInt128 Ip, string? Bridge, PortBinding Port)>();
        foreach (var rule in table["nat-prerouting-and-output"]?.Rules ?? [])
        {
            if (rule.Target is not DnatTarget { To: { First: { } ip } to }) continue;
            var hostPort = rule.Port(AddressField.Destination)?.Range.First;
            var hostIp = rule.Address(AddressField.Destination) is { Negated: false } d ? IpAddressValue.Format(d.Value.Address, family) : "0.0.0.0";
            var bridge = networks.FirstOrDefault(n => n.Subnets.Any(s => s.Network.Contains(ip)))?.Bridge
                ?? (rule.In() is { Negated: true } i ? i.Value.Text : null);
            bindings.Add((ip, bridge, new PortBinding(rule.ProtocolOf()?.Value.Name ?? "tcp", to.Ports?.First ?? hostPort ?? 0, hostIp, hostPort)));
        }

        // A routed network may have no DNAT: its published ports show as the per-port accepts of its chain.
        foreach (var network in networks.Where(n => n.GatewayModeIpv4 == "routed"))
            foreach (var rule in table[ForwardIn + network.Bridge]?.Rules ?? [])
                if (rule.OpenContainerPort(family) is { } open) AddOnce(bindings, open.Ip, network.Bridge, open.Port);

        return bindings.GroupBy(b => b.Ip).Select(g =>
        {
            var name = IpAddressValue.Format(g.Key, family);
            var bridge = g.First().Bridge;
            DockerEndpoint endpoint = family == IpFamily.V4 ? new(bridge ?? "", null, g.Key, null, []) : new(bridge ?? "", null, null, g.Key, []);
            return new DockerContainer(name, name, true, bridge ?? "default", [endpoint], [], [.. g.Select(b => b.Port)], []);
        }).ToImmutableArray();
    }

    private static void AddOnce(List<(UInt128 Ip, string? Bridge, PortBinding Port)> bindings, UInt128 ip, string? bridge, PortBinding port)
    {
        if (!bindings.Any(b => b.Ip == ip && b.Port.Protocol == port.Protocol && b.Port.ContainerPort == port.ContainerPort))
            bindings.Add((ip, bridge, port));
    }
}
