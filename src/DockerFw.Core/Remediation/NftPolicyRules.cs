using System.Collections.Immutable;
using System.Text.Json.Nodes;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Text;

namespace DockerFw.Core.Remediation;

/// <summary>
/// The rules of dockerfw's nft chain (<see cref="NftPolicyTable"/>) on a host where Docker 29 writes
/// nftables, one JSON statement list each. nftables runs every base chain of a hook: an accept here
/// ends only dockerfw's chain and Docker's table still judges the packet, while a drop is final. So
/// the policy's drops (icc off, a published port kept from other clients, a dropping default) are
/// enforced; its accepts only exempt traffic from dockerfw's own later drops (a pair allowed inside an
/// icc-off network, a kept link) and cannot open what Docker drops (an <c>allow</c> between networks,
/// <c>icc on</c> where Docker runs icc off, <c>docker-user default accept</c>): the plan's proof
/// finds those blocked and refuses the plan (<see cref="NftPolicyPlanner"/>).
/// </summary>
internal static class NftPolicyRules
{
    /// <param name="repairs">Bridge pairs to drop after the accepts, as <see cref="PolicyRules.For"/> drops them.</param>
    public static (ImmutableArray<JsonArray> Rules, ImmutableArray<Diagnostic> Conflicts) For(ResolvedPolicy policy, IpFamily family, BridgeRepairs? repairs = null)
    {
        repairs ??= BridgeRepairs.None;
        bool Has(DockerNetwork network) => family == IpFamily.V4 || network.SubnetsOf(family).Any();
        bool DropsInside(DockerNetwork network) => NftPolicyRules.DropsInside(policy, network) || repairs.Inside(network.Bridge);
        var rules = ImmutableArray.CreateBuilder<JsonArray>();
        var conflicts = ImmutableArray.CreateBuilder<Diagnostic>();
        void Add(params JsonNode[] statements) => rules.Add(new JsonArray(statements));

        // IPv6 finds a neighbour with ICMPv6 solicitations and advertisements, which br_netfilter
        // hands to the forward hook like any bridged packet: a drop inside a bridge would drop them
        // too, and a pair the policy allows could then never reach its peer's address (the proof
        // reasons about packets between container addresses, not about finding their links).
        if (family == IpFamily.V6)
            foreach (var bridge in policy.Bridges.Where(b => Has(b) && (DropsInside(b) || repairs.FindsNeighbours(b.Bridge))).Select(b => b.Bridge!))
                foreach (var type in (string[])["nd-neighbor-solicit", "nd-neighbor-advert"])
                    Add(In(bridge), Out(bridge), NftExpr.Icmpv6Type(type), NftExpr.Verdict("accept"));

        foreach (var exception in policy.Exceptions.Where(e => Has(e.From) && Has(e.To)))
        {
            var (from, to) = (exception.From.Bridge!, exception.To.Bridge!);
            Add(In(to), Out(from), NftExpr.State("established", "related"), NftExpr.Verdict("accept"));
            Add([In(from), Out(to), .. Port(exception.Port), NftExpr.Verdict("accept")]);
        }

        if (family == IpFamily.V4)
            foreach (var link in policy.Links.Where(l => DropsInside(l.Client.Network)))
                foreach (var port in link.Ports)
                {
                    var bridge = link.Client.Network.Bridge!;
                    var (client, server) = (link.Client.Address, link.Server.Address);
                    Add(NftExpr.Host(family, true, client), NftExpr.Host(family, false, server), In(bridge), Out(bridge), NftExpr.Port(port), NftExpr.Verdict("accept"));
                    Add(NftExpr.Host(family, true, server), NftExpr.Host(family, false, client), In(bridge), Out(bridge), NftExpr.Port(port, destination: false), NftExpr.Verdict("accept"));
                }

        foreach (var network in policy.Networks.Where(n => Has(n.Network)))
        {
            var bridge = network.Network.Bridge!;
            foreach (var pair in network.Exceptions.Where(p => p.From.AddressOf(family) is not null && p.To.AddressOf(family) is not null))
            {
                var (a, b) = (pair.From.AddressOf(family)!.Value, pair.To.AddressOf(family)!.Value);
                Add(NftExpr.Host(family, true, b), NftExpr.Host(family, false, a), In(bridge), Out(bridge), NftExpr.State("established", "related"), NftExpr.Verdict("accept"));
                Add([NftExpr.Host(family, true, a), NftExpr.Host(family, false, b), In(bridge), Out(bridge), .. Port(pair.Port), NftExpr.Verdict("accept")]);
            }

            if (network.Icc == false && network.Network.EnableIcc) Add(In(bridge), Out(bridge), NftExpr.Verdict("drop"));
            if (network.Icc == true && !network.Network.EnableIcc) Add(In(bridge), Out(bridge), NftExpr.Verdict("accept"));
            if (family == IpFamily.V4 && network.Masquerade is { } masquerade && masquerade != network.Network.EnableIpMasquerade)
                conflicts.Add(PolicyMessages.MasqueradeNotInDockerUser(network.At, network.Network.Name, masquerade));
        }

        foreach (var (from, to) in repairs.Drops(policy, Has)) Add(In(from), Out(to), NftExpr.Verdict("drop"));

        foreach (var publish in policy.Publishes)
            foreach (var rule in Publish(publish, family)) rules.Add(rule);

        switch (policy.DockerUserDefault)
        {
            case DockerUserDefault.Accept: Add(NftExpr.Verdict("accept")); break;
            case DockerUserDefault.Drop: Add(NftExpr.Verdict("drop")); break;
        }

        return (rules.ToImmutable(), conflicts.ToImmutable());
    }

    /// <summary>
    /// The forward hook sees a published port after Docker's DNAT, so the host port and address are
    /// conntrack's original tuple; allowed clients return to Docker's table, the rest of the port's
    /// NEW connections drop (as <see cref="PolicyRules"/> does in DOCKER-USER).
    /// </summary>
    private static IEnumerable<JsonArray> Publish(PublishPolicy publish, IpFamily family)
    {
        var binding = publish.Binding;
        if (binding.HostPort is not { } hostPort || !Protocol.TryParse(binding.Protocol, out var protocol)) yield break;
        var containerPort = new PortSpec(protocol!, PortRange.Single(binding.ContainerPort));
        var addresses = publish.Addresses.Where(a => a.Family == family).ToList();
        foreach (var container in publish.ContainerAddressesOf(family))
        {
            JsonNode[] ToContainer(params JsonNode[] original) =>
                [NftExpr.Host(family, false, container), NftExpr.Port(containerPort), NftExpr.State("new"), .. original, NftExpr.OriginalPort(hostPort)];
            foreach (var address in addresses)
            {
                yield return publish.Restriction == PublishRestriction.FromSources
                    ? new JsonArray([NftExpr.Address(family, true, address), .. ToContainer(), NftExpr.Verdict("return")])
                    : new JsonArray([.. ToContainer(NftExpr.OriginalDestination(family, address)), NftExpr.Verdict("return")]);
            }

            yield return new JsonArray([.. ToContainer(), NftExpr.Verdict("drop")]);
        }
    }

    private static bool DropsInside(ResolvedPolicy policy, DockerNetwork network) =>
        policy.DockerUserDefault == DockerUserDefault.Drop || (policy.PolicyOf(network)?.Icc == false && network.EnableIcc);

    private static JsonNode In(string bridge) => NftExpr.Interface(Direction.In, bridge);

    private static JsonNode Out(string bridge) => NftExpr.Interface(Direction.Out, bridge);

    private static JsonNode[] Port(PortSpec? port) => port is null ? [] : [NftExpr.Port(port)];
}
