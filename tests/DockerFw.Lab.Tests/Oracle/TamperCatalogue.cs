using static DockerFw.Lab.Tests.Oracle.TamperKinds;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>Draws 0-3 edits that make sense for a scenario (a network pair for a DOCKER-USER accept, a served port for a drop).</summary>
public static class TamperCatalogue
{
    public static IReadOnlyList<Tamper> Draw(Random random, ScenarioSpec scenario)
    {
        var networks = scenario.Networks.Select(n => n.Name).Append("bridge").ToList();
        var served = scenario.Containers.Where(c => c.OwnBridgeEndpoints).ToList();
        var tampers = new List<Tamper>();
        var count = random.Next(0, 4);
        for (var i = 0; i < count; i++)
        {
            var a = networks[random.Next(networks.Count)];
            var b = networks.Where(n => n != a).ElementAt(random.Next(networks.Count - 1));
            var c = served.Count == 0 ? null : served[random.Next(served.Count)];
            var published = scenario.Containers.SelectMany(x => x.Published.Select(p => (x, p))).ToList();
            Tamper? t = random.Next(18) switch
            {
                0 => new Tamper(UserDropBetween, a, b, Conntrack: random.Next(2) == 0),
                1 => new Tamper(UserAcceptBetween, a, b),
                2 => new Tamper(UserAcceptOneWay, a, b),
                3 => scenario.Networks.FirstOrDefault(n => !n.Icc) is { } q && c is not null
                    ? new Tamper(UserAcceptPortInside, q.Name, Port: c.TcpPorts[0])
                    : null,
                4 => c is null ? null : new Tamper(UserDropContainerPort, Container: c.Name, Port: c.TcpPorts[0], Conntrack: random.Next(2) == 0),
                5 => published.Count == 0 ? null : new Tamper(UserDropHostPort, Container: published[0].x.Name, Port: published[0].p.HostPort),
                6 => new Tamper(ForwardInsertAccept, a, b),
                7 => new Tamper(DeleteMasquerade, scenario.Networks[random.Next(scenario.Networks.Count)].Name),
                8 => new Tamper(DeleteIsolation, a),
                9 => new Tamper(MoveIsolationReturn),
                10 => scenario.Containers.Any(x => x.Links.Count > 0) ? new Tamper(DeleteLink) : null,
                11 => new Tamper(NftDebianStock),
                12 => c is null ? null : new Tamper(NftDropOtherPriority, Container: c.Name, Port: c.TcpPorts[0]),
                13 => c is null ? null : new Tamper(NftSetDrop, Container: c.Name),
                14 => new Tamper(Ip6FilterLeftover),
                15 => new Tamper(BridgeNfOff),
                16 => new Tamper(BridgeNfOffOneBridge, scenario.Networks[random.Next(scenario.Networks.Count)].Name),
                _ => new Tamper(IpForwardOff),
            };
            if (t is not null && !tampers.Contains(t)) tampers.Add(t);
        }

        return tampers;
    }

    /// <summary>
    /// ipsets, from an eighth stream (each earlier seed keeps its host, with this on top): in one
    /// scenario in four, a DOCKER-USER drop by an ipset made with the ipset tool, as fail2ban or an
    /// admin's block list does: from one network to a user network's subnet with, half the time, one
    /// container of it excepted by a <c>nomatch</c> entry (hash:net); or from one container's address
    /// (hash:ip, matched <c>src,dst</c>: the kernel takes the first direction), NEW only half the time.
    /// </summary>
    public static IReadOnlyList<Tamper> DrawIpsets(Random random, ScenarioSpec scenario)
    {
        if (random.Next(4) != 0 || scenario.Networks.Count == 0) return [];
        var served = scenario.Containers.Where(c => c.OwnBridgeEndpoints).ToList();
        if (random.Next(2) == 0 && served.Count > 0)
            return [new Tamper(IpsetDropFromContainer, Container: served[random.Next(served.Count)].Name, Conntrack: random.Next(2) == 0)];
        var to = scenario.Networks[random.Next(scenario.Networks.Count)].Name;
        var from = scenario.Networks.Select(n => n.Name).Append("bridge").Where(n => n != to).ToList();
        var on = scenario.Containers.Where(c => c.OwnBridgeEndpoints && (c.Mode == to || c.Connected.Contains(to))).ToList();
        var excepted = on.Count > 0 && random.Next(2) == 0 ? on[random.Next(on.Count)].Name : null;
        return [new Tamper(IpsetDropToNetwork, from[random.Next(from.Count)], to, excepted)];
    }

    /// <summary>
    /// The edits added after the first soaks (drawn from the generator's second stream, so earlier
    /// seeds keep their lists): in one scenario in four, a rule in the other iptables back end
    /// (iptables-legacy beside Docker's iptables-nft): both run for every packet.
    /// </summary>
    public static IReadOnlyList<Tamper> DrawLater(Random random, ScenarioSpec scenario)
    {
        if (random.Next(4) != 0) return [];
        var networks = scenario.Networks.Select(n => n.Name).Append("bridge").ToList();
        var served = scenario.Containers.Where(c => c.OwnBridgeEndpoints).ToList();
        var a = networks[random.Next(networks.Count)];
        var b = networks.Where(n => n != a).ElementAt(random.Next(networks.Count - 1));
        var c = served.Count == 0 ? null : served[random.Next(served.Count)];
        Tamper? t = random.Next(3) switch
        {
            0 => new Tamper(LegacyDropBetween, a, b),
            1 => c is null ? null : new Tamper(LegacyDropContainerPort, Container: c.Name, Port: c.TcpPorts[0]),
            _ => new Tamper(LegacyForwardPolicyDrop),
        };
        return t is null ? [] : [t];
    }

    /// <summary>
    /// Conntrack-state edits, from a ninth stream (each earlier seed keeps its host, with this on top):
    /// in one scenario in four, a rule that lets a connection's opening packet through and drops what
    /// follows it in the same direction (the handshake's ACK, the data: ESTABLISHED), which the
    /// replies do not meet: to a container's TCP port (DOCKER-USER, or nft at another priority), out of
    /// a network to the uplink, or the admin's "NEW ACCEPT, then DROP" for a container's port. The
    /// probes carry data after the handshake (an echo), so the kernel tells these from a connection.
    /// </summary>
    public static IReadOnlyList<Tamper> DrawStateful(Random random, ScenarioSpec scenario)
    {
        if (random.Next(4) != 0) return [];
        var served = scenario.Containers.Where(c => c.OwnBridgeEndpoints && c.TcpPorts.Count > 0).ToList();
        var c = served.Count == 0 ? null : served[random.Next(served.Count)];
        var networks = scenario.Networks.Where(n => !n.Internal).Select(n => n.Name).Append("bridge").ToList();
        Tamper? t = random.Next(4) switch
        {
            0 => c is null ? null : new Tamper(UserDropEstablishedToPort, Container: c.Name, Port: c.TcpPorts[random.Next(c.TcpPorts.Count)]),
            1 => c is null ? null : new Tamper(NftDropEstablishedToPort, Container: c.Name, Port: c.TcpPorts[random.Next(c.TcpPorts.Count)]),
            2 => new Tamper(UserDropEstablishedOut, networks[random.Next(networks.Count)]),
            _ => c is null ? null : new Tamper(UserNewOnlyToPort, Container: c.Name, Port: c.TcpPorts[random.Next(c.TcpPorts.Count)]),
        };
        return t is null ? [] : [t];
    }

    /// <summary>
    /// Rules that name the uplink, from a tenth stream (each earlier seed keeps its host, with this on
    /// top; oracle F41): in one scenario in four, Docker's documented recipe
    /// <c>-I DOCKER-USER -i ext_if ! -s ALLOWED -j DROP</c> (the allowed client the lab's outside, or a
    /// stranger, so the probes pass or die), a drop from the uplink to a published port's container
    /// port, a drop of its replies out by the uplink, an nft drop of its host port on the uplink before
    /// DNAT, or an INPUT drop of it (docker-proxy's path for a port bound to 127.0.0.1).
    /// </summary>
    public static IReadOnlyList<Tamper> DrawUplink(Random random, ScenarioSpec scenario)
    {
        if (random.Next(4) != 0) return [];
        var published = scenario.Containers.Where(c => c.OwnBridgeEndpoints).SelectMany(c => c.Published.Select(p => (c, p))).ToList();
        var (container, port) = published.Count == 0 ? (null, null) : published[random.Next(published.Count)];
        Tamper? t = random.Next(5) switch
        {
            0 => new Tamper(UplinkRecipe, Other: random.Next(2) == 0 ? "outside" : "stranger"),
            1 => port is null ? null : new Tamper(UplinkDropContainerPort, Other: Proto(port), Container: container!.Name, Port: port.ContainerPort),
            2 => port is null ? null : new Tamper(UplinkDropReplies, Other: Proto(port), Container: container!.Name, Port: port.ContainerPort),
            3 => port is null ? null : new Tamper(NftUplinkDropHostPort, Other: Proto(port), Port: port.HostPort),
            _ => port is null ? null : new Tamper(InputUplinkDropHostPort, Other: Proto(port), Port: port.HostPort),
        };
        return t is null ? [] : [t];
    }

    /// <summary>
    /// Rules before DNAT and conntrack's de-NAT, from an eleventh stream (each earlier seed keeps its
    /// host, with this on top): in one scenario in four, an edit in raw or mangle PREROUTING, where a
    /// masqueraded connection's reply still has the host's uplink address as its destination and a
    /// published port's request its host port, and where (raw, before conntrack) every packet's state is
    /// INVALID: a drop of everything to the uplink's address, a drop to a container's address (which the
    /// replies of its connections out do not carry yet), a mangle drop of ESTABLISHED packets from the
    /// uplink, raw's "drop INVALID" (every packet there), and nft's "ct state established drop" at raw's
    /// priority (none there).
    /// </summary>
    public static IReadOnlyList<Tamper> DrawPrerouting(Random random, ScenarioSpec scenario)
    {
        if (random.Next(4) != 0) return [];
        var served = scenario.Containers.Where(c => c.OwnBridgeEndpoints).ToList();
        Tamper? t = random.Next(5) switch
        {
            0 => new Tamper(RawDropToHostAddress),
            1 => served.Count == 0 ? null : new Tamper(RawDropToContainer, Container: served[random.Next(served.Count)].Name),
            2 => new Tamper(MangleDropEstablishedOnUplink),
            3 => new Tamper(RawDropInvalidOnUplink),
            _ => new Tamper(NftRawDropEstablishedOnUplink),
        };
        return t is null ? [] : [t];
    }

    /// <summary>
    /// Matches beyond addresses, ports and state, from a twelfth stream (each earlier seed keeps its host,
    /// with this on top): in one scenario in four, an admin's DOCKER-USER rule that names what else a
    /// packet or its connection carries. Docker's documented way to filter a published port by the port
    /// the client used (<c>--ctorigdstport</c>, <c>--ctdir ORIGINAL</c>) and a mistaken "only what was
    /// sent to my address" (<c>! --ctorigdst</c> on the uplink, which outbound connections' replies do
    /// not carry); a packet mark or a connection mark set in mangle PREROUTING and dropped on; a drop of
    /// connection openings only (<c>--tcp-flags SYN,ACK SYN</c>); a drop of what a bridge switches
    /// (<c>--physdev-is-bridged</c>); and matches no engine can decide from the rules alone, which must
    /// make a claim uncertain rather than answered: a packet's length (the probes are short), a
    /// <c>recent</c> list (empty), a rate <c>limit</c> (never reached by the probes); an address range; and
    /// the hardening guides' drops of what normal traffic never is: Xmas and null scans' flags, SYN or FIN with RST, ICMP
    /// timestamp requests, marked packets (kube-proxy's shape, with nothing setting a mark) and INVALID.
    /// </summary>
    public static IReadOnlyList<Tamper> DrawMatches(Random random, ScenarioSpec scenario)
    {
        if (random.Next(4) != 0) return [];
        var networks = scenario.Networks.Select(n => n.Name).Append("bridge").ToList();
        var a = networks[random.Next(networks.Count)];
        var b = networks.Where(n => n != a).ElementAt(random.Next(networks.Count - 1));
        var served = scenario.Containers.Where(c => c.OwnBridgeEndpoints && c.TcpPorts.Count > 0).ToList();
        var c = served.Count == 0 ? null : served[random.Next(served.Count)];
        var port = c is null ? 0 : c.TcpPorts[random.Next(c.TcpPorts.Count)];
        var published = scenario.Containers.Where(x => x.OwnBridgeEndpoints).SelectMany(x => x.Published).ToList();
        var publish = published.Count == 0 ? null : published[random.Next(published.Count)];
        Tamper? t = random.Next(14) switch
        {
            0 => publish is null ? null : new Tamper(CtOrigDstPortDrop, Other: Proto(publish), Port: publish.HostPort),
            1 => new Tamper(UplinkDropNotCtOrigDst),
            2 => new Tamper(MarkDropBetween, a, b),
            3 => new Tamper(ConnmarkDropFromUplink),
            4 => c is null ? null : new Tamper(SynDropToPort, Container: c.Name, Port: port),
            5 => new Tamper(PhysdevBridgedDrop),
            6 => c is null ? null : new Tamper(LengthDropToPort, Container: c.Name, Port: port),
            7 => new Tamper(RecentDropOnUplink),
            8 => c is null || scenario.Networks.Count == 0 ? null : new Tamper(IpRangeDropToContainer, scenario.Networks[random.Next(scenario.Networks.Count)].Name, Container: c.Name),
            9 => c is null ? null : new Tamper(LimitToPort, Container: c.Name, Port: port),
            10 => new Tamper(ScanFlagsDrop),
            11 => new Tamper(IcmpTimestampDrop),
            12 => new Tamper(MarkedDrop),
            _ => new Tamper(InvalidDrop),
        };
        return t is null ? [] : [t];
    }

    /// <summary>
    /// An admin's NAT edits, from a thirteenth stream (each earlier seed keeps its host, with this on top):
    /// in one scenario in four, one rule beside Docker's in nat, raw or an nft table of nat chains. A
    /// hand-written port forward (a new host port DNATed to a container's served port, appended to nat
    /// PREROUTING after Docker's jump), with or without the DOCKER-USER accept an admin adds for it; a
    /// REDIRECT of a new host port to a published one (docker-proxy's, where it runs) or of a published
    /// one, first, to a local port nothing serves; an SNAT to the second host address before Docker's
    /// MASQUERADE, or a RETURN that skips it; a RETURN first in nat PREROUTING (no published port is
    /// DNATed) or for one published port; raw's <c>CT --notrack</c> of a published port or of what a
    /// container sends (untracked packets are never NATed, and neither NEW nor ESTABLISHED); an nft
    /// <c>table ip adminnat</c> DNATing a new host port at priority -110 or SNATing a network at
    /// <c>srcnat - 10</c>. The new host ports (40000-40999) are above what Docker's draws use.
    /// </summary>
    public static IReadOnlyList<Tamper> DrawNat(Random random, ScenarioSpec scenario)
    {
        if (random.Next(4) != 0) return [];
        var served = scenario.Containers.Where(c => c.OwnBridgeEndpoints && c.TcpPorts.Count > 0).ToList();
        var c = served.Count == 0 ? null : served[random.Next(served.Count)];
        var port = c is null ? 0 : c.TcpPorts[random.Next(c.TcpPorts.Count)];
        var published = scenario.Containers.Where(x => x.OwnBridgeEndpoints).SelectMany(x => x.Published).ToList();
        var publish = published.Count == 0 ? null : published[random.Next(published.Count)];
        var tcp = published.Where(p => p.Transport == Transport.Tcp).ToList();
        var tcpPublish = tcp.Count == 0 ? null : tcp[random.Next(tcp.Count)];
        var masquerading = scenario.Networks.Where(n => n.Masquerade && !n.Internal).Select(n => n.Name).ToList();
        var network = masquerading.Count == 0 ? null : masquerading[random.Next(masquerading.Count)];
        var hostPort = random.Next(40000, 41000);
        string Text(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Tamper? t = random.Next(NatTamperKinds.All.Count) switch
        {
            0 => c is null ? null : new Tamper(NatTamperKinds.ForwardPort, Other: Text(port), Container: c.Name, Port: hostPort),
            1 => c is null ? null : new Tamper(NatTamperKinds.ForwardPortAccepted, Other: Text(port), Container: c.Name, Port: hostPort),
            2 => tcpPublish is null ? null : new Tamper(NatTamperKinds.RedirectToPublished, Other: Text(tcpPublish.HostPort), Port: hostPort),
            3 => tcpPublish is null ? null : new Tamper(NatTamperKinds.RedirectPublishedAway, Port: tcpPublish.HostPort),
            4 => network is null ? null : new Tamper(NatTamperKinds.SnatBeforeMasquerade, network),
            5 => network is null ? null : new Tamper(NatTamperKinds.ReturnBeforeMasquerade, network),
            6 => new Tamper(NatTamperKinds.ReturnBeforeDocker),
            7 => publish is null ? null : new Tamper(NatTamperKinds.ReturnHostPort, Other: Proto(publish), Port: publish.HostPort),
            8 => publish is null ? null : new Tamper(NatTamperKinds.NotrackPublishedPort, Other: Proto(publish), Port: publish.HostPort),
            9 => c is null ? null : new Tamper(NatTamperKinds.NotrackContainer, Container: c.Name),
            10 => c is null ? null : new Tamper(NatTamperKinds.NftDnatPort, Other: Text(port), Container: c.Name, Port: hostPort),
            _ => network is null ? null : new Tamper(NatTamperKinds.NftSnat, network),
        };
        return t is null ? [] : [t];
    }

    private static string Proto(Publish p) => p.Transport == Transport.Udp ? "udp" : "tcp";
}
