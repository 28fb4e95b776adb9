using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Text;

namespace DockerFw.Core.Remediation;

/// <summary>
/// The rules of <see cref="PolicyPlanner.Chain"/> that make Docker's own rules say what the policy
/// says, as <c>-A</c> lines keyed to today's bridges and addresses. Only differences from Docker's
/// behaviour produce a rule (an icc-off network Docker already runs with icc off needs no DROP).
/// Accepts run before Docker's isolation and icc drops, which see a reply too, so each exception
/// also accepts its own replies. The IPv6 half has the same rules for the networks and containers
/// that have IPv6; masquerade is judged once, in IPv4.
/// </summary>
internal static class PolicyRules
{
    private const string Established = "-m conntrack --ctstate RELATED,ESTABLISHED";

    /// <param name="repairs">
    /// Bridge pairs (the same bridge twice: inside it) where the host's rules let through new connections
    /// the policy blocks (<see cref="PlanProof"/>): a hand-made accept, an isolation or icc rule moved or
    /// deleted. Each gets a DROP after the policy's accepts, so that the plan closes what Docker's rules
    /// no longer close; the plan never opens what the policy does not name.
    /// </param>
    public static (ImmutableArray<string> Lines, ImmutableArray<Diagnostic> Conflicts) For(ResolvedPolicy policy, IpFamily family = IpFamily.V4, BridgeRepairs? repairs = null)
    {
        repairs ??= BridgeRepairs.None;
        bool Has(DockerNetwork network) => family == IpFamily.V4 || network.SubnetsOf(family).Any();
        bool DropsInside(DockerNetwork network) => PolicyRules.DropsInside(policy, network) || repairs.Inside(network.Bridge);

        var lines = ImmutableArray.CreateBuilder<string>();
        var conflicts = ImmutableArray.CreateBuilder<Diagnostic>();

        // IPv6 finds a neighbour with ICMPv6 solicitations (135) and advertisements (136), which
        // br_netfilter hands to FORWARD like any bridged packet: a drop inside a bridge would drop
        // them too, and a pair the policy allows could never reach its peer's address. The proof leaves
        // them out of a pair's packets but asks whether the pair finds its link (NeighbourDiscoveryGate):
        // where the host's own rules drop them (ufw's FORWARD, oracle F26) its repairs name the bridge,
        // and they are accepted there too, ahead of those rules.
        if (family == IpFamily.V6)
            foreach (var bridge in policy.Bridges.Where(b => Has(b) && (DropsInside(b) || repairs.FindsNeighbours(b.Bridge))).Select(b => b.Bridge!))
                foreach (var type in (int[])[135, 136])
                    lines.Add(Rule($"-i {bridge} -o {bridge} -p ipv6-icmp -m icmp6 --icmpv6-type {type} -j ACCEPT"));

        foreach (var exception in policy.Exceptions.Where(e => Has(e.From) && Has(e.To)))
        {
            var (from, to) = (exception.From.Bridge!, exception.To.Bridge!);
            lines.Add(Rule($"-i {to} -o {from} {Established} -j ACCEPT"));
            lines.Add(Rule($"-i {from} -o {to}{Port(exception.Port)} -j ACCEPT"));
        }

        // Docker writes link rules in IPv4 only; a DROP of the policy's own, before them, needs the
        // link's ports accepted first, as Docker's link and reply rules accept them.
        if (family == IpFamily.V4)
            foreach (var link in policy.Links.Where(l => DropsInside(l.Client.Network)))
                lines.AddRange(Link(link));

        foreach (var network in policy.Networks.Where(n => Has(n.Network)))
        {
            var bridge = network.Network.Bridge!;
            foreach (var pair in network.Exceptions.Where(p => p.From.AddressOf(family) is not null && p.To.AddressOf(family) is not null))
            {
                var (a, b) = (Host(pair.From.AddressOf(family)!.Value, family), Host(pair.To.AddressOf(family)!.Value, family));
                lines.Add(Rule($"-s {b} -d {a} -i {bridge} -o {bridge} {Established} -j ACCEPT"));
                lines.Add(Rule($"-s {a} -d {b} -i {bridge} -o {bridge}{Port(pair.Port)} -j ACCEPT"));
            }

            if (network.Icc == false && network.Network.EnableIcc) lines.Add(Rule($"-i {bridge} -o {bridge} -j DROP"));
            if (network.Icc == true && !network.Network.EnableIcc) lines.Add(Rule($"-i {bridge} -o {bridge} -j ACCEPT"));
            if (family == IpFamily.V4 && network.Masquerade is { } masquerade && masquerade != network.Network.EnableIpMasquerade)
                conflicts.Add(PolicyMessages.MasqueradeNotInDockerUser(network.At, network.Network.Name, masquerade));
        }

        // After every accept above (exceptions, allowed pairs, kept links), before the published ports' own rules.
        foreach (var (from, to) in repairs.Drops(policy, Has)) lines.Add(Rule($"-i {from} -o {to} -j DROP"));

        foreach (var publish in policy.Publishes) lines.AddRange(Publish(publish, family));

        switch (policy.DockerUserDefault)
        {
            case DockerUserDefault.Accept: lines.Add(Rule("-j ACCEPT")); break;
            case DockerUserDefault.Drop: lines.Add(Rule("-j DROP")); break;
        }

        return (lines.ToImmutable(), conflicts.ToImmutable());
    }

    /// <summary>
    /// DOCKER-USER sees a published port after DNAT, so the host port and address are conntrack's
    /// original destination; allowed addresses return to Docker's rules, the rest of that port drops.
    /// Only NEW packets are judged (a refused connection never gets further), which also keeps the
    /// original tuple exact for the proof: a NEW packet's is the packet as it arrived.
    /// </summary>
    private static IEnumerable<string> Publish(PublishPolicy publish, IpFamily family)
    {
        var binding = publish.Binding;
        var proto = binding.Protocol;
        var addresses = publish.Addresses.Where(a => a.Family == family).ToList();
        foreach (var container in publish.ContainerAddressesOf(family))
        {
            string ToContainer(string original) =>
                $"-d {Host(container, family)} -p {proto} -m conntrack --ctstate NEW{original} --ctorigdstport {binding.HostPort} -m {proto} --dport {binding.ContainerPort}";
            foreach (var address in addresses)
            {
                yield return publish.Restriction == PublishRestriction.FromSources
                    ? Rule($"-s {address} {ToContainer("")} -j RETURN")
                    : Rule($"{ToContainer($" --ctorigdst {address}")} -j RETURN");
            }

            yield return Rule($"{ToContainer("")} -j DROP");
        }
    }

    /// <summary>Whether the plan's chain drops traffic inside <paramref name="network"/> (icc turned off, or a dropping default).</summary>
    internal static bool DropsInside(ResolvedPolicy policy, DockerNetwork network) =>
        policy.DockerUserDefault == DockerUserDefault.Drop || (policy.PolicyOf(network)?.Icc == false && network.EnableIcc);

    /// <summary>Docker's own link rules, before the plan's drops: to the server's ports, and back from them.</summary>
    private static IEnumerable<string> Link(KeptLink link)
    {
        var bridge = link.Client.Network.Bridge!;
        var (client, server) = (Host(link.Client.Address, IpFamily.V4), Host(link.Server.Address, IpFamily.V4));
        foreach (var port in link.Ports)
        {
            var proto = port.Protocol.Name;
            yield return Rule($"-s {client} -d {server} -i {bridge} -o {bridge} -p {proto} -m {proto} --dport {port.Ports.Format(':')} -j ACCEPT");
            yield return Rule($"-s {server} -d {client} -i {bridge} -o {bridge} -p {proto} -m {proto} --sport {port.Ports.Format(':')} -j ACCEPT");
        }
    }

    private static string Rule(string body) => $"-A {PolicyPlanner.Chain} {body}";

    private static string Port(PortSpec? port) =>
        port is null ? "" : $" -p {port.Protocol.Name} -m {port.Protocol.Name} --dport {port.Ports.Format(':')}";

    private static string Host(UInt128 address, IpFamily family) => $"{IpAddressValue.Format(address, family)}/{family.Bits()}";
}
