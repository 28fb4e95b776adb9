using System.Collections.Immutable;
using DockerFw.Core.Host;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Judges docker-proxy's ways to a restricted published port against the policy's <c>publish ...
/// from|on</c>, for <c>audit --policy</c> and the plan's proof alike: every client a listener of the
/// port lets in (<see cref="ProxyPath"/>: INPUT, then the host's own connection to the container)
/// from a source (or on a host address) the policy does not list is a connection the policy forbids.
/// None of it crosses DOCKER-USER, so no rule of dockerfw's chain can stop it; the remedy is INPUT's
/// or the daemon's (<c>"userland-proxy": false</c>). A client the policy allows is not required to
/// get through the proxy: Docker's DNAT is the published port's way, judged by <see cref="PublishConformance"/>.
/// </summary>
public static class ProxyConformance
{
    public static ImmutableArray<PublishDifference> Judge(ProxyHost host, ResolvedPolicy policy)
    {
        var differences = ImmutableArray.CreateBuilder<PublishDifference>();
        foreach (var publish in policy.Publishes)
            foreach (var listener in host.Proxies.Listeners.Where(l => Serves(l, publish)))
            {
                var member = policy.Members.FirstOrDefault(m => m.Container.Id == publish.Container.Id
                    && (listener.Target is not { } t || m.AddressOf(t.Family) == t.Address))
                    ?? policy.Members.FirstOrDefault(m => m.Container.Id == publish.Container.Id);
                if (member is null) continue;
                var path = ProxyPath.Of(listener, host);
                if (!path.MayDeliver) continue;
                differences.AddRange(Differences(publish, member, path, host));
            }

        return differences.ToImmutable();
    }

    private static IEnumerable<PublishDifference> Differences(PublishPolicy publish, ContainerOnNetwork member, ProxyPath path, ProxyHost host)
    {
        var listener = path.Listener;
        var family = listener.Family;
        var remedy = Remedy(publish, listener, host.Proxies.Origin);
        if (path.Unknown is { } why)
        {
            yield return new PublishDifference(publish, member, listener.Endpoint, "every address", null, false, [])
            {
                Through = $"through docker-proxy on {listener.Endpoint} ({why})",
                Remedy = remedy,
            };
            yield break;
        }

        var space = host.Of(family)!.Value.Rules.Space;
        var listed = publish.Addresses.Where(a => a.Family == family)
            .Aggregate(IntervalSet.Empty, (s, a) => s.Union(RuleCompiler.Intervals(a) ?? IntervalSet.Empty));
        var allowed = PacketSet.Of(space.Whole().With(publish.Restriction == PublishRestriction.FromSources ? Dimension.Src : Dimension.Dst, listed));
        foreach (var reach in path.Reaches)
        {
            var forbidden = reach.Packets.Subtract(allowed);
            if (forbidden.IsEmpty) continue;
            var (hosts, sources) = forbidden.Boxes.Aggregate((IntervalSet.Empty, IntervalSet.Empty),
                (a, b) => (a.Item1.Union(b[Dimension.Dst]), a.Item2.Union(b[Dimension.Src])));
            var by = reach.From is null ? reach.Via is { } via ? $" via {via}" : "" : $", from {reach.Who} by the host's address";
            yield return new PublishDifference(publish, member, HostAddressText.Of(hosts, path.HostAddresses, family), PublishProof.Addresses(sources, family),
                reach.Certain && path.Delivered == true ? true : null, false, [.. reach.Evidence, .. path.DeliveryEvidence])
            {
                Through = $"through docker-proxy on {listener.Endpoint}{by} (INPUT, then the host's own connection to the container: DOCKER-USER never sees them)",
                Remedy = remedy,
            };
        }
    }

    /// <summary>Whether a listener is the docker-proxy of this published port: same protocol and host port, on its address, to its container.</summary>
    public static bool Serves(ProxyListener listener, PublishPolicy publish)
    {
        var binding = publish.Binding;
        if (listener.Protocol != binding.Protocol || listener.HostPort != binding.HostPort) return false;
        if (listener.Target is { } target && !publish.ContainerAddressesOf(target.Family).Contains(target.Address)) return false;
        // The policy names the host port; the container may publish it on several addresses (0.0.0.0 and ::).
        return publish.Container.Ports.Where(p => p.Protocol == binding.Protocol && p.HostPort == binding.HostPort).Any(p => p.HostIp switch
        {
            null or "" => true,
            var ip => IpAddressValue.TryParse(ip, listener.Family, out var bound) && bound == listener.HostAddress,
        });
    }

    /// <summary>
    /// The INPUT rules that hold the restriction on the proxy's port (inserted in this order, the
    /// DROP ends up last; loopback stays open for the host's own use), or the daemon setting.
    /// </summary>
    public static string Remedy(PublishPolicy publish, ProxyListener listener, ProxyOrigin origin)
    {
        var tool = listener.Family == IpFamily.V4 ? "iptables" : "ip6tables";
        var port = $"-p {listener.Protocol} --dport {listener.HostPort}";
        var side = publish.Restriction == PublishRestriction.FromSources ? "-s" : "-d";
        var commands = new List<string> { $"{tool} -I INPUT {port} ! -i lo -j DROP" };
        commands.AddRange(publish.Addresses.Where(a => a.Family == listener.Family).Select(a => $"{tool} -I INPUT {side} {a} {port} -j ACCEPT"));
        var assumed = origin == ProxyOrigin.Assumed ? " docker-proxy was assumed from Docker's view (Docker's default); give --proxies (the output of ss -Hltunp) to judge the host's own listeners." : "";
        return $"dockerfw's rules sit in DOCKER-USER, which docker-proxy's connections never cross: restrict the port in INPUT ({string.Join("; ", commands)}), or run dockerd with \"userland-proxy\": false.{assumed}";
    }
}
