using System.Net;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Every probe of a scenario: from each container's namespace to every endpoint of every other
/// container (each served TCP and UDP port, one unused port of each, an ICMP echo; IPv4, and IPv6
/// where both ends have it), from each container to the echo server outside (does it get out and
/// back: masqueraded), from the outside client to every published port on each host address, and
/// from it to each firewalld forward port on the host's IPv4 addresses (its own host port, or one
/// Docker publishes too: then Docker's DNAT, first in the hook, must win and the probe is the
/// published port's).
/// </summary>
public static class ProbePlan
{
    public const int UnusedTcp = 64999;
    public const int UnusedUdp = 64998;

    public static IReadOnlyList<Probe> For(BuiltScenario s)
    {
        var probes = new List<Probe>();
        foreach (var (from, path) in s.NetnsPaths)
        {
            var targets = s.Endpoints.Where(e => e.Container != from && s.NetnsPaths.ContainsKey(e.Container))
                .SelectMany(e => new[] { e.Address, e.Address6 }.OfType<IPAddress>().Select(a => (e, a)))
                .DistinctBy(t => t.a).ToList();
            foreach (var (e, address) in targets)
            {
                var source = NetnsSockets.SourceFor(path, address);
                if (source is null) continue; // no route there: nothing to ask
                var target = s.Container(e.Container);
                // And the server's way back, asked of its kernel the same way: whether it has one, and the
                // address (so the network) its answer leaves by.
                var back = NetnsSockets.SourceFor(s.NetnsPaths[e.Container], source);
                Probe To(Transport transport, int port, bool listening) => new(from, path, source, address, transport, port, listening) { ReplyRoute = back is not null, ReplyFrom = back };
                foreach (var port in target.TcpPorts) probes.Add(To(Transport.Tcp, port, true));
                probes.Add(To(Transport.Tcp, UnusedTcp, false));
                foreach (var port in target.UdpPorts) probes.Add(To(Transport.Udp, port, true));
                probes.Add(To(Transport.Udp, UnusedUdp, false));
                probes.Add(To(Transport.Icmp, 0, true));
            }

            var outside = IPAddress.Parse(LabDaemon.OutsideAddress);
            if (NetnsSockets.SourceFor(path, outside) is { } src)
                probes.Add(new Probe(from, path, src, outside, Transport.Tcp, LabDaemon.OutsidePort, true));
        }

        var hostAddresses = new[] { LabDaemon.UplinkAddress, OracleLab.SecondHostAddress, OracleLab.UplinkAddress6 }.Select(IPAddress.Parse).ToList();
        foreach (var (server, p) in s.Spec.Containers.SelectMany(c => c.Published.Select(p => (c.Name, p))))
        {
            // A neighbour routing 127.0.0.1 through the host to a port bound there (DFW514).
            if (p.HostIp == "127.0.0.1")
                probes.Add(new Probe("outside", s.Lab.OutsidePath, IPAddress.Parse(LabDaemon.OutsideAddress), IPAddress.Loopback, p.Transport, p.HostPort, true) { ConntrackNetns = s.Lab.Netns });

            foreach (var address in hostAddresses)
                probes.Add(new Probe("outside", s.Lab.OutsidePath, NetnsSockets.SourceFor(s.Lab.OutsidePath, address), address, p.Transport, p.HostPort, true));
            // From every container to the host's IPv4 addresses: DNAT, then FORWARD from its bridge (or docker-proxy).
            foreach (var (from, path) in s.NetnsPaths)
                foreach (var address in hostAddresses.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork))
                    if (NetnsSockets.SourceFor(path, address) is { } source)
                    {
                        // The DNAT target's way back to a client whose address the request kept, asked of
                        // its kernel as for the probes between containers: whether it has one, and by which address.
                        var known = s.NetnsPaths.TryGetValue(server, out var serverPath);
                        var back = known ? NetnsSockets.SourceFor(serverPath!, source) : null;
                        probes.Add(new Probe(from, path, source, address, p.Transport, p.HostPort, true)
                        {
                            ReplyRoute = known ? back is not null : null,
                            ReplyFrom = back,
                        });
                    }
        }

        // firewalld's forward ports (IPv4: toaddr is a container's IPv4 address) and an admin's own (AdminForwardPorts) from outside.
        foreach (var t in s.Spec.Tampers.Where(t => (t.Kind == TamperKinds.FirewalldForwardPort || NatTamperKinds.Forwards.Contains(t.Kind)) && t.Port > 0))
            foreach (var address in hostAddresses.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork))
                if (!probes.Any(p => p.From == "outside" && p.Destination.Equals(address) && p.Transport == Transport.Tcp && p.Port == t.Port))
                    probes.Add(new Probe("outside", s.Lab.OutsidePath, NetnsSockets.SourceFor(s.Lab.OutsidePath, address), address, Transport.Tcp, t.Port, true));

        return probes;
    }
}
