using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// <c>dockerfw reach</c> over the same pairs as the container matrix, checked with the same probes:
/// reach is asked once for every NEW packet of FORWARD and once for every ESTABLISHED or RELATED one,
/// on the host's dumps with its addresses (host.json), and each probe's packet and its answer (the
/// echo or RST: ESTABLISHED; an ICMP port unreachable: RELATED) are looked up in the regions. A probe
/// came back exactly when both are ACCEPT (and, over IPv6 inside one bridge, the neighbour
/// solicitation and advertisement that come first, untracked; the server's own, when it answers on
/// the client's bridge); a MAYBE is a disagreement. reach answers the rules only:
/// a probe that never meets them (bridged with bridge-nf-call-iptables 0 for its bridge, routed with
/// ip_forward 0), or whose answer is never sent (the server has no route back to a client whose
/// address the request kept), is not compared. IPv4: between container endpoints, and to the ports published on
/// the host's addresses (from outside and from the containers) where reach's region shows Docker's
/// DNAT (the packet then crosses FORWARD to the container; else it is the host's, docker-proxy's),
/// and to firewalld's forward ports on them from outside (through its DNAT, in nft.json).
/// </summary>
public sealed class ReachChecker(IReadOnlyDictionary<string, string> dumps, IReadOnlyList<ProbeResult> results)
{
    public int Checked { get; private set; }

    public IReadOnlyList<Disagreement> Check()
    {
        if (!dumps.TryGetValue("host.json", out var hostJson)) return []; // a fixture from before reach was compared
        var host = new HostInterfaces(hostJson);
        var sysctls = Sysctls(dumps.GetValueOrDefault("sysctls", ""));
        var ports = Published(dumps.GetValueOrDefault("audit.json", ""));
        // firewalld's forward ports after Docker's published ones: for a host port both claim, Docker's
        // DNAT (nat PREROUTING, priority -100) binds the connection before firewalld's (dstnat+10) is run.
        var docker = ports.Count;
        ports.AddRange(FirewalldForwardPorts.From(dumps.GetValueOrDefault("nft.json", ""))
            .Select(f => ("0.0.0.0", f.Port, Transport.Tcp, (System.Net.IPAddress?)f.To, f.ToPort)));
        // And an admin's own forwards (nat PREROUTING or a native nat table), which like firewalld's take only what Docker's DNAT left.
        ports.AddRange(AdminForwardPorts.From(dumps.GetValueOrDefault("iptables-save", ""), dumps.GetValueOrDefault("nft.json", ""))
            .Select(f => ("0.0.0.0", f.Port, Transport.Tcp, (System.Net.IPAddress?)f.To, f.ToPort)));
        // Native nft rules that source-NAT (firewalld's zone masquerade), as reach names them.
        var nftSourceNat = NftSourceNat(dumps.GetValueOrDefault("nft.json", ""));
        var serverRoutes = new ServerRoutes(dumps.GetValueOrDefault("container-routes", ""));
        var endpoints = dumps.TryGetValue("docker-networks.json", out var networks) && dumps.TryGetValue("docker-containers.json", out var containers)
            ? new EndpointView(networks, containers) : null;
        // IPv4: between containers and to the host's addresses; IPv6: between containers (a port published
        // on [::] is docker-proxy's where Docker writes no ip6tables rules, the lab's Docker 20.10 default).
        var probes = results.Where(r => r.Probe.Source is not null && r.Probe.Destination.ToString() != LabDaemon.OutsideAddress
            && (r.Probe.Destination.AddressFamily == AddressFamily.InterNetwork
                ? r.Probe.From != "outside" || IsHost(r.Probe)
                : r.Probe.From != "outside" && !IsHost(r.Probe))).ToList();
        if (probes.Count == 0) return [];

        var dir = Directory.CreateTempSubdirectory("dfw-reach-");
        try
        {
            foreach (var file in new[] { "iptables-save", "iptables-legacy-save", "ip6tables-save", "nft.json" })
                File.WriteAllText(Path.Combine(dir.FullName, file), dumps.GetValueOrDefault(file, ""));
            // The host's routes, where the oracle recorded them: the reverse-path check asks them (F33, seed 5076).
            var routes = new List<string>();
            foreach (var file in new[] { "ip-route-v4.json", "ip-route-v6.json" }.Where(dumps.ContainsKey))
            {
                File.WriteAllText(Path.Combine(dir.FullName, file), dumps[file]);
                routes.AddRange(["--routes", Path.Combine(dir.FullName, file)]);
            }

            // And the ipsets, where recorded: -m set asks their members.
            if (dumps.TryGetValue("ipset.save", out var ipsets))
            {
                File.WriteAllText(Path.Combine(dir.FullName, "ipset.save"), ipsets);
                routes.AddRange(["--ipsets", Path.Combine(dir.FullName, "ipset.save")]);
            }

            // Both iptables back ends run for every packet, the other's tables beside this one's (Docker's DNAT
            // in one, a drop of the DNATed packet in the other): reach is given both, as a user would.
            var legacy = dumps.GetValueOrDefault("iptables-legacy-save", "").Contains('*', StringComparison.Ordinal);
            var families = probes.Select(r => r.Probe.Destination.AddressFamily == AddressFamily.InterNetworkV6).Distinct().ToList();
            var fresh = families.ToDictionary(six => six, six => Reach(dir.FullName, legacy, host, routes, "NEW", six));
            var replies = families.ToDictionary(six => six, six => Reach(dir.FullName, legacy, host, routes, "ESTABLISHED,RELATED", six));
            // The later packets of a connection whose answer the host's conntrack never saw (oracle F46), asked only where one is.
            var invalid = families.ToDictionary(six => six, six => new Lazy<ReachRegions>(() => Reach(dir.FullName, legacy, host, routes, "INVALID", six)));
            // IPv6 inside a bridge needs neighbour discovery first, untracked by conntrack.
            var neighbours = families.Contains(true) ? Reach(dir.FullName, legacy, host, routes, "UNTRACKED", six: true) : null;
            var dump = dumps.GetValueOrDefault("iptables-save", "").Split('\n');
            var dump6 = dumps.GetValueOrDefault("ip6tables-save", "").Split('\n');
            var found = new List<(string Class, string Claim, ProbeResult Probe)>();
            var pairs = new HashSet<(string, string)>();
            foreach (var r in probes)
            {
                var p = r.Probe;
                var six = p.Destination.AddressFamily == AddressFamily.InterNetworkV6;
                var forwarding = sysctls.GetValueOrDefault(six ? "net.ipv6.conf.all.forwarding" : "net.ipv4.ip_forward", "1") == "1";
                var bridgeNf = sysctls.GetValueOrDefault(six ? "net.bridge.bridge-nf-call-ip6tables" : "net.bridge.bridge-nf-call-iptables", "1") == "1";
                var from = host.InterfaceFor(p.Source!);
                // A forward port is the public zone's: it takes what comes in from outside, not a container's packet (docker zone).
                var at = !IsHost(p) ? -1 : ports.Select((x, i) => (x, i))
                    .Where(c => (c.i < docker || p.From == "outside") && c.x.Port == p.Port && c.x.Transport == p.Transport && (c.x.HostIp == "0.0.0.0" || c.x.HostIp == p.Destination.ToString()))
                    .Select(c => c.i).DefaultIfEmpty(-1).First();
                var dnat = at >= 0 ? ports[at] : default;
                if (IsHost(p) && dnat.Ip is null) continue; // not published on that address: nothing is claimed
                var to = host.InterfaceFor(dnat.Ip ?? p.Destination);
                if (from is null || to is null) continue;
                // Bridged traffic meets iptables only with bridge-nf-call-iptables; routed (and DNATed) only with ip_forward.
                if (from == to && dnat.Ip is null ? !bridgeNf && !host.BridgeCallsIptables(from, six) : !forwarding) continue;
                if (p.Transport != Transport.Icmp && r.SourcePort is null) continue;
                var (forward, reply, later) = Packets(r, from, to, dnat.Ip is null ? null : (dnat.Ip, dnat.ContainerPort), null);
                var f = fresh[six].Of(forward);
                // A request masqueraded on its way (nat POSTROUTING) reaches the server from the host's
                // address, and the answer goes back the way it came; else a multi-homed server may answer on the client's bridge.
                var rules = six ? dump6 : dump;
                // An nft table's masquerade (firewalld's `masquerade` on the zone) too: the region names its rules.
                var masqueraded = f is { } m && (m.Lines.Any(l => l <= rules.Length && rules[l - 1].StartsWith("-A POSTROUTING", StringComparison.Ordinal)
                    && (rules[l - 1].Contains(" -j MASQUERADE", StringComparison.Ordinal) || rules[l - 1].Contains(" -j SNAT", StringComparison.Ordinal)))
                    || m.Rules.Split(", ").Any(nftSourceNat.Contains));
                // A request that kept its source is answered only where the server has a route back to it:
                // one it has none for is never answered, and the answer reach is asked about is never sent.
                // reach answers the rules, not the server's routes: not compared (oracle F14).
                if (!masqueraded && (p.ReplyRoute ?? endpoints?.RoutesBack(dnat.Ip ?? p.Destination, p.Source!)) == false) continue;
                string? replyBridge;
                if (!masqueraded) replyBridge = ReplyBridge(host, endpoints, p, dnat.Ip ?? p.Destination, from, to);
                // A MASQUERADE (the out bridge's own address) is answered on that bridge; an SNAT to an address
                // off the server's networks by the server's route to it (seed 5153), or never, with none.
                else if (SnatAddress(f!.Value.Lines, rules) is not { } snat || !(endpoints?.Owner(dnat.Ip ?? p.Destination) is { } owner && serverRoutes.Knows(owner.Container))) replyBridge = null;
                else if (serverRoutes.NextHop(owner.Container, snat) is not { } hop) continue;
                else replyBridge = host.InterfaceFor(hop) is { } entry && entry != to ? entry : null;
                if (replyBridge is not null) reply = Packets(r, from, to, dnat.Ip is null ? null : (dnat.Ip, dnat.ContainerPort), replyBridge).Reply;
                // A host address not DNATed goes to the host (docker-proxy or a refusal): INPUT's, not FORWARD's.
                // (A forward port has no docker-proxy behind it: firewalld's DNAT, in nft, is the only way.)
                if (dnat.Ip is not null && at < docker && f is { } nat && nat.Verdict != ReachRegions.Overlap && !nat.Lines.Any(l => l <= dump.Length && dump[l - 1].Contains(" -j DNAT", StringComparison.Ordinal))) continue;
                // Hairpin on a bridge that does not call iptables: the answer is switched straight back to
                // the client, never un-DNATed, and never meets the rules reach speaks of: not compared.
                if (dnat.Ip is not null && from == to && !bridgeNf && !host.BridgeCallsIptables(from, six)) continue;
                // Hairpin to itself: Docker's MASQUERADE of the container to itself rewrites the answer; not modelled here.
                if (dnat.Ip is not null && dnat.Ip.Equals(p.Source)) continue;
                pairs.Add((p.Source!.ToString(), p.Destination.ToString()));
                // An answer bridged where bridge-nf-call is 0 never meets the rules: it passes.
                var unseen = replyBridge is not null && !bridgeNf && !host.BridgeCallsIptables(replyBridge, six);
                var b = unseen ? ("ACCEPT", "bridged past iptables", []) : replies[six].Of(reply);
                // Through DNAT only the container's echo says the packet went the way reach describes.
                var reached = dnat.Ip is null ? r.Reached : r.Outcome == Outcome.Echoed;
                var claim = $"reach (FORWARD{(six ? ", IPv6" : "")}) says NEW {Describe(forward)} is {Say(f)}, its answer {Describe(reply)} is {Say(b)}";
                // A TCP probe's echo needs the connection's later packets too (the handshake's ACK, the
                // data: ESTABLISHED, the way the request went), which an admin's "NEW ACCEPT, then DROP" or
                // an ESTABLISHED drop stops while the opening and its answer pass (oracle F38).
                if (later is not null && f is { Verdict: "ACCEPT" } && b is { Verdict: "ACCEPT" })
                {
                    // An answer bridged past the host's conntrack leaves the connection unreplied: TCP's tracker
                    // finds the handshake's ACK, in the original direction of a SYN_SENT entry, INVALID (F46).
                    if (unseen) later["state"] = "INVALID";
                    var l = unseen ? invalid[six].Value.Of(later) : replies[six].Of(later);
                    claim += $", its later packets {Describe(later)} are {Say(l)}";
                    if (l is not { Verdict: "ACCEPT" }) b = l;
                }

                // Two containers of one bridge find each other's link first (oracle F25): the client's
                // solicitation and the server's advertisement join the request and its answer.
                if (six && from == to && dnat.Ip is null && neighbours is not null && f is { Verdict: "ACCEPT" } && b is { Verdict: "ACCEPT" })
                {
                    var (solicit, advertise) = NeighbourDiscovery(p.Source!, p.Destination, from);
                    var (ns, na) = (neighbours.Of(solicit), neighbours.Of(advertise));
                    claim += $", and the neighbour solicitation {Describe(solicit)} is {Say(ns)}, the advertisement {Describe(advertise)} is {Say(na)}";
                    if (ns is not { Verdict: "ACCEPT" } || na is not { Verdict: "ACCEPT" }) f = ns is { Verdict: "ACCEPT" } ? na : ns;
                }

                // A server that answers on the client's bridge, though the request came through the host
                // (F26, seed 563), has never seen the client's link: before its answer it solicits the
                // client there, from its link-local address on that bridge (the answer's source is not
                // an address of that interface), and the client advertises back.
                if (six && from != to && replyBridge == from && dnat.Ip is null && neighbours is not null && (bridgeNf || host.BridgeCallsIptables(from, six)) && f is { Verdict: "ACCEPT" } && b is { Verdict: "ACCEPT" }
                    && endpoints?.Owner(p.Destination) is { } server
                    && endpoints.Addresses(server.Container).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6 && host.InterfaceFor(a) == from) is { } onBridge
                    && endpoints.LinkLocal(onBridge) is { } linkLocal)
                {
                    var (solicit, advertise) = NeighbourDiscovery(linkLocal, p.Source!, from);
                    var (ns, na) = (neighbours.Of(solicit), neighbours.Of(advertise));
                    claim += $", and the server's neighbour solicitation {Describe(solicit)} is {Say(ns)}, the advertisement {Describe(advertise)} is {Say(na)}";
                    if (ns is not { Verdict: "ACCEPT" } || na is not { Verdict: "ACCEPT" }) b = ns is { Verdict: "ACCEPT" } ? na : ns;
                }
                if (f is null || b is null) found.Add(("reach/no-region", claim, r));
                else if (f.Value.Verdict == ReachRegions.Overlap || (f.Value.Verdict == "ACCEPT" && b.Value.Verdict == ReachRegions.Overlap)) found.Add(("reach/overlapping-boxes", claim, r));
                else if (f.Value.Verdict == "MAYBE" || (f.Value.Verdict == "ACCEPT" && b.Value.Verdict == "MAYBE")) found.Add(("reach/maybe", claim, r));
                else if (f.Value.Verdict == "ACCEPT" && b.Value.Verdict == "ACCEPT" && !reached) found.Add(("reach/accepts-but-blocked", claim, r));
                else if (!(f.Value.Verdict == "ACCEPT" && b.Value.Verdict == "ACCEPT") && reached) found.Add(("reach/drops-but-reached", claim, r));
            }

            Checked = pairs.Count;
            // One disagreement per class and pair of addresses, with the first probe's claim.
            return found.GroupBy(x => (x.Class, x.Probe.Probe.Source, x.Probe.Probe.Destination))
                .Select(g => new Disagreement(g.Key.Class, g.First().Claim, g.Select(x => x.Probe).ToList())).ToList();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static ReachRegions Reach(string dir, bool legacy, HostInterfaces host, List<string> routes, string state, bool six)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        string[] nft = new FileInfo(Path.Combine(dir, "nft.json")).Length > 0 ? ["--nft", Path.Combine(dir, "nft.json")] : [];
        // The legacy edits the generator makes are IPv4's (iptables-legacy).
        string[] other = legacy ? ["--iptables-legacy", Path.Combine(dir, "iptables-legacy-save")] : [];
        // Every IPv6 packet: the addresses name the family reach answers in.
        string[] family = six ? ["--src", "::/0", "--dst", "::/0"] : [];
        var exit = DockerFwApp.Run(
            ["reach", "--iptables", Path.Combine(dir, "iptables-save"), "--ip6tables", Path.Combine(dir, "ip6tables-save"), .. nft, .. other,
             "--hook", "FORWARD", "--state", state, .. family, .. host.HostAddressOptions(), .. routes, "--format", "json"],
            new StandardStreams(new StringReader(""), output, error));
        if (exit != 0) throw new InvalidOperationException($"dockerfw reach --state {state} exited {exit}: {error}");
        return new ReachRegions(JsonDocument.Parse(output.ToString()).RootElement);
    }

    /// <summary>The address of the first <c>-j SNAT --to-source</c> among the region's nat POSTROUTING rules; null for MASQUERADE (or an nft rule).</summary>
    private static System.Net.IPAddress? SnatAddress(int[] lines, string[] rules) =>
        lines.Where(l => l <= rules.Length && rules[l - 1].StartsWith("-A POSTROUTING", StringComparison.Ordinal))
            .Select(l => rules[l - 1].Split(' ')).Select(w => Array.IndexOf(w, "--to-source") is var i and >= 0 && i + 1 < w.Length ? w[i + 1].Split('-', ':')[0] : null)
            .Select(a => System.Net.IPAddress.TryParse(a, out var ip) ? ip : null).FirstOrDefault(a => a is not null);

    private static bool IsHost(Probe p) => p.Destination.ToString() is LabDaemon.UplinkAddress or OracleLab.SecondHostAddress;

    /// <summary>The IPv4 published ports of the audit (host_ip, host_port, protocol, container address and port): where DNAT sends a host-address probe.</summary>
    private static List<(string HostIp, int Port, Transport Transport, System.Net.IPAddress? Ip, int ContainerPort)> Published(string auditJson)
    {
        if (auditJson.Length == 0) return [];
        return JsonDocument.Parse(auditJson).RootElement.GetProperty("published_ports").EnumerateArray()
            .Where(p => p.GetProperty("container_ip").ValueKind == JsonValueKind.String && p.GetProperty("host_port").ValueKind == JsonValueKind.Number)
            .Select(p => (p.GetProperty("host_ip").GetString() ?? "0.0.0.0", p.GetProperty("host_port").GetInt32(),
                p.GetProperty("protocol").GetString() == "udp" ? Transport.Udp : Transport.Tcp,
                (System.Net.IPAddress?)System.Net.IPAddress.Parse(p.GetProperty("container_ip").GetString()!), p.GetProperty("container_port").GetInt32()))
            .ToList();
    }

    /// <summary>
    /// The bridge a server's answer enters the host from when it does not go back the way the request
    /// came: the server's kernel said which of its addresses the answer leaves from (its default route's
    /// network, or a connected one: oracle F21), and that address's bridge is where it enters. For
    /// traffic recorded before the kernel was asked: a multi-homed server with an address on the
    /// client's own bridge answers there (its connected route, oracle F10). Null when it goes back the
    /// way the request came.
    /// </summary>
    private static string? ReplyBridge(HostInterfaces host, EndpointView? endpoints, Probe p, System.Net.IPAddress server, string clientBridge, string serverBridge)
    {
        if (p.ReplyFrom is { } via)
            return host.InterfaceFor(via) is { } bridge && bridge != serverBridge ? bridge : null;
        if (endpoints?.Owner(server) is not { } owner) return null;
        return endpoints.Addresses(owner.Container).Any(a => a.AddressFamily == server.AddressFamily && !a.Equals(server) && host.InterfaceFor(a) == clientBridge)
            ? clientBridge : null;
    }

    /// <summary>
    /// The probe's first packet (NEW, as it arrives: before DNAT), the answer that tells it came
    /// back (from the container, after DNAT) and, for TCP, the request's later packets (ESTABLISHED with
    /// ACK, DNATed by conntrack before FORWARD without the nat table) where a server answers, as reach's dimensions.
    /// </summary>
    private static (Dictionary<string, string> Forward, Dictionary<string, string> Reply, Dictionary<string, string>? Later) Packets(ProbeResult r, string from, string to, (System.Net.IPAddress Ip, int Port)? dnat, string? replyBridge)
    {
        var p = r.Probe;
        var six = p.Destination.AddressFamily == AddressFamily.InterNetworkV6;
        string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        var forward = new Dictionary<string, string> { ["src"] = p.Source!.ToString(), ["dst"] = p.Destination.ToString(), ["state"] = "NEW", ["in"] = from, ["out"] = to, ["mark"] = "0" };
        var reply = new Dictionary<string, string> { ["src"] = (dnat?.Ip ?? p.Destination).ToString(), ["dst"] = p.Source!.ToString(), ["state"] = "ESTABLISHED", ["in"] = replyBridge ?? to, ["out"] = from, ["mark"] = "0" };
        var answerPort = dnat?.Port ?? p.Port;
        switch (p.Transport)
        {
            // ICMPv6: echo request 128, reply 129, destination unreachable 1.
            case Transport.Icmp:
                (forward["proto"], forward["icmpType"], reply["proto"], reply["icmpType"]) = six ? ("58", "128", "58", "129") : ("1", "8", "1", "0");
                break;
            case Transport.Udp when !p.Listening:
                (forward["proto"], forward["sport"], forward["dport"]) = ("17", N(r.SourcePort!.Value), N(p.Port));
                (reply["proto"], reply["icmpType"], reply["state"]) = (six ? "58" : "1", six ? "1" : "3", "RELATED"); // port unreachable
                break;
            default:
                var proto = p.Transport == Transport.Tcp ? "6" : "17";
                (forward["proto"], forward["sport"], forward["dport"]) = (proto, N(r.SourcePort!.Value), N(p.Port));
                (reply["proto"], reply["sport"], reply["dport"]) = (proto, N(answerPort), N(r.SourcePort!.Value));
                // A TCP probe opens its connection with a SYN and is answered by a SYN,ACK (oracle F27:
                // ufw-docker's recipe refuses the SYN; a NEW packet that is no SYN would pass).
                if (p.Transport == Transport.Tcp) (forward["flags"], reply["flags"]) = ("SYN", "SYN,ACK");
                break;
        }

        // An unused port answers the SYN with a RST: no later packet is sent.
        if (p.Transport != Transport.Tcp || !p.Listening) return (forward, reply, null);
        var later = new Dictionary<string, string>(forward)
        {
            ["dst"] = (dnat?.Ip ?? p.Destination).ToString(), ["dport"] = N(answerPort), ["state"] = "ESTABLISHED", ["flags"] = "ACK",
        };
        return (forward, reply, later);
    }

    /// <summary>
    /// <paramref name="asker"/>'s neighbour solicitation (ICMPv6 135, to <paramref name="target"/>'s
    /// solicited-node group ff02::1:ffXX:XXXX) and the target's advertisement back (136), both
    /// untracked by conntrack.
    /// </summary>
    private static (Dictionary<string, string> Solicit, Dictionary<string, string> Advertise) NeighbourDiscovery(System.Net.IPAddress asker, System.Net.IPAddress target, string bridge)
    {
        var low = target.GetAddressBytes();
        var group = System.Net.IPAddress.Parse("ff02::1:ff00:0").GetAddressBytes();
        (group[13], group[14], group[15]) = (low[13], low[14], low[15]);
        Dictionary<string, string> Icmp(string src, string dst, string type) =>
            new() { ["src"] = src, ["dst"] = dst, ["proto"] = "58", ["icmpType"] = type, ["state"] = "UNTRACKED", ["in"] = bridge, ["out"] = bridge, ["mark"] = "0" };
        return (Icmp(asker.ToString(), new System.Net.IPAddress(group).ToString(), "135"), Icmp(target.ToString(), asker.ToString(), "136"));
    }

    private static string Describe(Dictionary<string, string> k) =>
        $"{(k["proto"] switch { "6" => "tcp", "17" => "udp", "58" => "icmpv6", _ => "icmp" })} {k["src"]}{(k.TryGetValue("sport", out var s) ? ":" + s : "")} -> {k["dst"]}" +
        $"{(k.TryGetValue("dport", out var d) ? ":" + d : "")}{(k.TryGetValue("icmpType", out var t) ? " type " + t : "")}{(k.TryGetValue("flags", out var f) ? " " + f : "")} ({k["in"]} -> {k["out"]}, {k["state"]})";

    /// <summary>
    /// The native nft rules whose statement is <c>masquerade</c> or <c>snat</c>, named as reach names a
    /// rule (<c>FAMILY TABLE/CHAIN#N</c>, N its place in the chain): seed 4793's firewalld masqueraded the
    /// docker zone, so a multi-homed server answered the host's address the request's way, which the
    /// check read as answered on the client's bridge.
    /// </summary>
    private static HashSet<string> NftSourceNat(string nftJson)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (nftJson.Length == 0) return ids;
        var places = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in JsonDocument.Parse(nftJson).RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("rule", out var rule)) continue;
            var chain = $"{rule.GetProperty("family").GetString()} {rule.GetProperty("table").GetString()}/{rule.GetProperty("chain").GetString()}";
            var place = places[chain] = places.GetValueOrDefault(chain) + 1;
            if (rule.TryGetProperty("expr", out var expr) && expr.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object
                    && (e.TryGetProperty("masquerade", out _) || e.TryGetProperty("snat", out _))))
                ids.Add($"{chain}#{place}");
        }

        return ids;
    }

    private static string Say((string Verdict, string Rules, int[] Lines)? v) => v is null ? "in no region" : $"{v.Value.Verdict} ({v.Value.Rules})";

    private static Dictionary<string, string> Sysctls(string text) =>
        text.Split('\n').Select(l => l.Split('=', 2, StringSplitOptions.TrimEntries)).Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.Last()[1]);
}
