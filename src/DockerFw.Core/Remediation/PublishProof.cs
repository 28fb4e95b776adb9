using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Text;

namespace DockerFw.Core.Remediation;

/// <summary>
/// Proves a plan's published-port restrictions on the after-state: a connection to the host port
/// from an allowed source (or on an allowed host address) is DNATed to the container and reaches it,
/// one from anywhere else does not. The restriction is matched on conntrack's original destination
/// (<c>--ctorigdstport</c>), which the symbolic engine does not model, so the concrete engine
/// connects from the edges of every range: the first and last address of each allowed source range
/// and the addresses just outside it, plus a remote client; for host addresses, each allowed one
/// and one that is not. The generated rules cut only at those edges.
/// </summary>
internal static class PublishProof
{
    private const string Uplink = "dfw-uplink0";

    // Documentation (benchmarking) addresses no policy names: a host address and a remote client.
    private static readonly UInt128 HostV4 = IpAddressValue.Parse("198.18.0.1", IpFamily.V4);
    private static readonly UInt128 ClientV4 = IpAddressValue.Parse("198.18.0.100", IpFamily.V4);
    private static readonly UInt128 HostV6 = IpAddressValue.Parse("2001:db8:ffff::1", IpFamily.V6);
    private static readonly UInt128 ClientV6 = IpAddressValue.Parse("2001:db8:ffff::100", IpFamily.V6);

    public static IEnumerable<Diagnostic> Check(Ruleset after, ResolvedPolicy policy)
    {
        var family = after.Family;
        foreach (var publish in policy.Publishes)
        {
            var addresses = publish.Addresses.Where(a => a.Family == family).ToList();
            var (allowed, refused) = publish.Restriction == PublishRestriction.FromSources
                ? (Sources(addresses, family, inside: true), Sources(addresses, family, inside: false))
                : ([], []);
            var hostAddresses = publish.Restriction == PublishRestriction.OnHostAddresses
                ? addresses.Select(a => a.Address).ToList()
                : [Bound(publish, family) ?? (family == IpFamily.V4 ? HostV4 : HostV6)];
            var otherHost = family == IpFamily.V4 ? HostV4 : HostV6;
            var client = family == IpFamily.V4 ? ClientV4 : ClientV6;
            var context = Context(family, hostAddresses.Append(otherHost));

            foreach (var member in policy.Members.Where(m => m.Container.Id == publish.Container.Id && m.AddressOf(family) is not null))
            {
                var cases = publish.Restriction == PublishRestriction.FromSources
                    ? allowed.Select(s => (s, hostAddresses[0], true)).Concat(refused.Select(s => (s, hostAddresses[0], false)))
                    : hostAddresses.Select(h => (client, h, true))
                        .Concat(addresses.Any(a => a.Contains(otherHost)) ? [] : [(client, otherHost, false)]);
                foreach (var (source, host, reaches) in cases)
                {
                    var problem = Disagreement(after, context, publish, member, source, host, reaches);
                    if (problem is not null)
                    {
                        yield return PolicyMessages.PlanDisproved(new SourceSpan(policy.File, 1, 1), problem);
                        break;
                    }
                }
            }
        }
    }

    private static string? Disagreement(Ruleset after, EvaluationContext context, PublishPolicy publish, ContainerOnNetwork member,
        UInt128 source, UInt128 host, bool reaches)
    {
        var family = after.Family;
        var binding = publish.Binding;
        var protocol = Protocol.TryParse(binding.Protocol, out var p) ? p!.Number : Protocol.Tcp;
        var packet = new Packet(family, source, host, protocol, SourcePort: 40000, DestinationPort: binding.HostPort,
            InInterface: Uplink, OutInterface: member.Network.Bridge);
        var result = ConnectionEvaluator.Evaluate(after, packet, PacketPath.Forward, context);
        var container = member.AddressOf(family)!.Value;
        var delivered = result.Outcomes.All(o => o.Reachability == Reachability.Reachable && o.Request.Packet.Destination == container);
        var blocked = result.Reachability == Reachability.Blocked;
        if (reaches ? delivered : blocked) return null;

        var actual = delivered ? "reaches" : blocked ? "does not reach" : "may or may not reach";
        var decidedBy = result.Outcomes.Select(o => o.Request.DecidedBy ?? o.Reply?.DecidedBy).FirstOrDefault(r => r is not null);
        return $"{binding.Protocol}/{binding.HostPort} on {IpAddressValue.Format(host, family)} from {IpAddressValue.Format(source, family)} "
            + $"{actual} '{member.Container.Name}' ({IpAddressValue.Format(container, family)}:{binding.ContainerPort}), "
            + $"but the policy says it {(reaches ? "does" : "does not")}"
            + (decidedBy is null ? "" : $" (decided by {decidedBy})");
    }

    /// <summary>The host address the port is bound to, when Docker binds it to one.</summary>
    private static UInt128? Bound(PublishPolicy publish, IpFamily family) =>
        publish.Binding.HostIp is { } ip && IpAddressValue.TryParse(ip, family, out var address) && address != 0 ? address : null;

    /// <summary>Edges of the allowed ranges: their first and last addresses, or the addresses just outside them and a remote client.</summary>
    private static List<UInt128> Sources(List<AddressMask> allowed, IpFamily family, bool inside)
    {
        var max = family.AllOnes();
        var edges = new List<UInt128>();
        foreach (var range in allowed)
        {
            var (first, last) = range.Bounds;
            if (inside) edges.AddRange([first, last]);
            else
            {
                if (first > 0) edges.Add(first - 1);
                if (last < max) edges.Add(last + 1);
            }
        }

        if (!inside) edges.Add(family == IpFamily.V4 ? ClientV4 : ClientV6);
        return [.. edges.Distinct().Where(a => allowed.Any(r => r.Contains(a)) == inside)];
    }

    private static EvaluationContext Context(IpFamily family, IEnumerable<UInt128> hostAddresses)
    {
        var loopback = family == IpFamily.V4
            ? new InterfaceAddress("lo", family, IpAddressValue.Parse("127.0.0.1", family), 8)
            : new InterfaceAddress("lo", family, 1, 128);
        var addresses = hostAddresses.Distinct().Select(a => new InterfaceAddress(Uplink, family, a, family.Bits())).Append(loopback);
        return EvaluationContext.Unknown with { Addresses = [.. addresses], BridgeNetfilter = true };
    }
}
