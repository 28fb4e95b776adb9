using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Maps each claim of <c>audit --format json --containers</c> to the probes that decide it and compares.
/// A claim with no probe under it is not counted (nothing was asked).
/// </summary>
public sealed class ClaimChecker(JsonElement audit, IReadOnlyList<ProbeResult> results)
{
    private readonly List<Disagreement> found = [];

    public int Checked { get; private set; }

    public IReadOnlyList<Disagreement> Check()
    {
        var between = results.Where(r => r.Probe.From != "outside" && !IsOutside(r.Probe) && !IsHost(r.Probe)).ToList();
        ContainerMatrix(between);
        foreach (var (key, six) in new[] { ("reachability", false), ("reachability_v6", true) }) NetworkMatrix(key, six, between);
        foreach (var (key, six) in new[] { ("icc", false), ("icc_v6", true) }) Icc(key, six, between);
        Masquerade();
        PublishedPorts("published_ports", six: false);
        PublishedPorts("published_ports_v6", six: true);
        var findings = new FindingClaims(audit, between);
        found.AddRange(findings.Check());
        Checked += findings.Checked;
        return found;
    }

    private static bool IsOutside(Probe p) => p.Destination.ToString() == LabDaemon.OutsideAddress;

    /// <summary>A probe to a port published on the host's addresses (from outside or from a container).</summary>
    private static bool IsHost(Probe p) => p.Destination.ToString() is LabDaemon.UplinkAddress or OracleLab.SecondHostAddress or OracleLab.UplinkAddress6;

    private void ContainerMatrix(List<ProbeResult> between)
    {
        if (audit.GetProperty("containers_reachability") is not { ValueKind: JsonValueKind.Array } matrix) return;
        foreach (var e in matrix.EnumerateArray())
        {
            var from = e.GetProperty("from").GetString();
            var src = IPAddress.Parse(e.GetProperty("from_address").GetString()!);
            var dst = IPAddress.Parse(e.GetProperty("to_address").GetString()!);
            var probes = between.Where(r => r.Probe.From == from && src.Equals(r.Probe.Source) && dst.Equals(r.Probe.Destination)).ToList();
            var claim = $"{from} ({src}, {e.GetProperty("from_network").GetString()}) -> {e.GetProperty("to").GetString()} ({dst}, {e.GetProperty("to_network").GetString()}) is {e.GetProperty("verdict").GetString()}{Flows(e)}";
            Verdict("container-matrix", e, probes, claim, exactFlows: true);
        }
    }

    private void NetworkMatrix(string key, bool six, List<ProbeResult> between)
    {
        // Every pair is a claim, the unlisted (denied) ones too.
        foreach (var e in MatrixJson.Entries(audit.GetProperty(key)))
        {
            var from = Subnets(e.GetProperty("from").GetString()!, six);
            var to = Subnets(e.GetProperty("to").GetString()!, six);
            var probes = between.Where(r => r.Probe.Source is { } s && from.Any(n => n.Contains(s)) && to.Any(n => n.Contains(r.Probe.Destination))).ToList();
            var claim = $"network {e.GetProperty("from").GetString()} -> {e.GetProperty("to").GetString()}{(six ? " over IPv6" : "")} is {e.GetProperty("verdict").GetString()}{Flows(e)}";
            // A network's flows name their sources where they differ (F34): a flow holds for every source it names, so what it
            // surely covers must pass, as in the container matrix.
            Verdict(six ? "network-matrix-v6" : "network-matrix", e, probes, claim, exactFlows: true);
        }
    }

    private void Verdict(string kind, JsonElement e, List<ProbeResult> probes, string claim, bool exactFlows)
    {
        if (probes.Count == 0) return;
        Checked++;
        var verdict = e.GetProperty("verdict").GetString();
        var flows = e.GetProperty("flows").EnumerateArray().ToList();
        switch (verdict)
        {
            case "denied" when probes.Any(p => p.Reached):
                Add($"{kind}/denied-but-reached", claim, probes.Where(p => p.Reached));
                break;
            case "allowed" when probes.Any(p => !p.Reached):
                Add($"{kind}/allowed-but-blocked", claim, probes.Where(p => !p.Reached));
                break;
            case "partial":
                // A probe that got its answer back was a connection: a one-way flow does not explain it.
                // An opening-only flow (F38) explains a probe of one exchange, not a TCP probe that sends data.
                var outside = probes.Where(p => p.Reached && !flows.Any(f => (FlowMatch.Carries(f, p.Probe) || FlowMatch.Possible(f)) && FlowMatch.Covers(f, p))).ToList();
                if (outside.Count > 0) Add($"{kind}/partial-reached-outside-flows", claim, outside);
                if (!exactFlows) break;
                var missing = probes.Where(p => !p.Reached
                    && flows.Any(f => FlowMatch.Carries(f, p.Probe) && !FlowMatch.Possible(f) && FlowMatch.SurelyCovers(f, p))).ToList();
                if (missing.Count > 0) Add($"{kind}/partial-flow-blocked", claim, missing);
                if (flows.Any(FlowMatch.Possible)) Add($"{kind}/possible-flow", claim, probes.Where(p => flows.Any(f => FlowMatch.Possible(f) && FlowMatch.Covers(f, p))));
                break;
        }
    }

    private void Icc(string key, bool six, List<ProbeResult> between)
    {
        foreach (var n in audit.GetProperty("networks").EnumerateArray())
        {
            if (n.GetProperty(key) is not { ValueKind: JsonValueKind.Object } setting) continue;
            var name = n.GetProperty("name").GetString()!;
            var subnets = Subnets(name, six);
            var probes = between.Where(r => r.Probe.Source is { } s && subnets.Any(x => x.Contains(s) && x.Contains(r.Probe.Destination)) && !OnLinkFlow(r.Probe)).ToList();
            if (probes.Count == 0) continue;
            Checked++;
            var effective = setting.GetProperty("effective");
            var claim = $"{key} of {name} is effectively {effective.GetRawText()}";
            var reached = probes.Where(p => p.Reached).ToList();
            var mixed = reached.Count > 0 && reached.Count < probes.Count;
            if (effective.ValueKind == JsonValueKind.Null) Add($"{key}/unknown", claim, probes);
            else if (effective.ValueKind == JsonValueKind.String)
            {
                // "partial" with flows: what passed must lie in a connection flow (flows name no sources).
                var flows = setting.GetProperty("flows").EnumerateArray().ToList();
                var outside = reached.Where(p => !flows.Any(f => (FlowMatch.Carries(f, p.Probe) || FlowMatch.Possible(f)) && FlowMatch.Covers(f, p))).ToList();
                if (outside.Count > 0) Add($"{key}/partial-reached-outside-flows", claim, outside);
            }
            else if (effective.GetBoolean() && reached.Count < probes.Count)
                Add(mixed ? $"{key}/true-but-partly-blocked" : $"{key}/true-but-blocked", claim, probes.Where(p => !p.Reached));
            else if (!effective.GetBoolean() && reached.Count > 0)
                Add(mixed ? $"{key}/false-but-partly-reached" : $"{key}/false-but-reached", claim, reached);
        }
    }

    /// <summary>
    /// A probe on the flow a legacy link opens (client to the server's exposed port, the link's
    /// protocol): Docker's link rules, which the audit judges as links, not icc (docs/audit.md). Any
    /// other probe between the two is icc's.
    /// </summary>
    private bool OnLinkFlow(Probe p) =>
        audit.GetProperty("links") is { ValueKind: JsonValueKind.Array } links && links.EnumerateArray().Any(l =>
            l.GetProperty("client_ip").GetString() == p.Source?.ToString() && l.GetProperty("server_ip").GetString() == p.Destination.ToString()
            && l.GetProperty("port").GetInt32() == p.Port
            && string.Equals(l.GetProperty("protocol").GetString(), p.Transport.ToString(), StringComparison.OrdinalIgnoreCase));

    private void Masquerade()
    {
        foreach (var r in results.Where(r => IsOutside(r.Probe) && r.Probe.Source is not null))
        {
            var network = audit.GetProperty("networks").EnumerateArray()
                .FirstOrDefault(n => n.GetProperty("subnets").EnumerateArray().Any(s => FlowMatch.Contains(s.GetString()!, r.Probe.Source!)));
            if (network.ValueKind != JsonValueKind.Object) continue;
            var effective = network.GetProperty("masquerade").GetProperty("effective");
            // "partial" names the NATed flows, each with the interfaces it leaves by where they differ (via): the
            // outside's probe leaves by the lab's uplink, so it is NATed iff a flow holds it and uplink0. A flow
            // whose via says "any other interface" (an interface no rule names, which uplink0 may be) cannot tell.
            var nated = effective.ValueKind == JsonValueKind.String ? NatedBy(network.GetProperty("masquerade"), r) : null;
            if (effective.ValueKind == JsonValueKind.String && nated is null) continue;
            Checked++;
            var claim = $"masquerade of {network.GetProperty("name").GetString()} is effectively {effective.GetRawText()}{(effective.ValueKind == JsonValueKind.String ? Flows(network.GetProperty("masquerade")) : "")}";
            // Replies that die as they arrive for some of the addresses the NAT may give only (replies_uncertain): a probe without
            // its answer is not compared.
            var uncertain = network.GetProperty("masquerade").TryGetProperty("replies_uncertain", out _);
            if (effective.ValueKind == JsonValueKind.Null) Add("masquerade/unknown", claim, [r]);
            else if (effective.ValueKind == JsonValueKind.String)
            {
                // Got out and back unNATed: the outside has no route to the containers (as for "false"). No way out while NATed:
                // only where the filter lets the replies and later packets back (else not compared), and WayOut
                // excludes a probe whose first packet the filter drops, as for "true".
                var back = !network.GetProperty("masquerade").TryGetProperty("replies_dropped", out _) && !uncertain
                    && (!network.GetProperty("masquerade").TryGetProperty("later_dropped", out _) || FlowMatch.OneExchange(r.Probe));
                if (r.Reached && nated == false) Add("masquerade/partial-but-got-out", claim, [r]);
                else if (!r.Reached && nated == true && back) Add("masquerade/partial-flow-no-way-out", claim, [r]);
            }
            // Replies dropped on the way back (replies_dropped, oracle F35): "all", the probe gets no answer; some, not compared.
            else if (network.GetProperty("masquerade").TryGetProperty("replies_dropped", out var dropped))
            {
                if (dropped.GetString() == "all" && r.Reached) Add("masquerade/replies-dropped-but-got-out", $"{claim}, replies_dropped \"all\"", [r]);
            }
            // The later packets dropped (later_dropped, oracle F38): "all", a probe that sends data after the opening gets no
            // echo (one of one exchange sends none); some, not compared.
            else if (network.GetProperty("masquerade").TryGetProperty("later_dropped", out var later))
            {
                if (later.GetString() == "all" && r.Reached && !FlowMatch.OneExchange(r.Probe))
                    Add("masquerade/later-dropped-but-got-out", $"{claim}, later_dropped \"all\"", [r]);
            }
            else if (effective.GetBoolean() != r.Reached && (r.Reached || !uncertain)) Add(r.Reached ? "masquerade/false-but-got-out" : "masquerade/true-but-no-way-out", claim, [r]);
            else if (r.Reached && r.SeenAs is { } seen)
            {
                // snat_to names the address Docker's SNAT gives (com.docker.network.host_ipv4); without it the
                // NAT is MASQUERADE, which takes the address of the uplink the route leaves by.
                var snatTo = network.TryGetProperty("snat_to", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                // Where the NAT's address differs by way out (snat_via, oracle F60), the probe's is uplink0's:
                // the entries whose via holds it (none sure, or two addresses: nothing to compare).
                var ways = network.TryGetProperty("snat_via", out var v) && v.ValueKind == JsonValueKind.Array
                    ? v.EnumerateArray().Where(w => LeavesBy(w, Uplink) != false).ToList() : null;
                var sure = ways is null || (ways.Count == 1 && LeavesBy(ways[0], Uplink) == true);
                if (ways is { Count: > 0 } && sure)
                    snatTo = ways[0].GetProperty("snat_to") is { ValueKind: JsonValueKind.String } to ? to.GetString() : null;
                var expected = snatTo ?? LabDaemon.UplinkAddress;
                if (sure && seen.ToString() != expected)
                    Add("masquerade/nated-to-another-address", $"{claim}, snat_to {(snatTo is null ? "null" : snatTo)}: the outside saw {seen}, not {expected}", [r]);
            }
        }
    }

    /// <summary>
    /// Whether a partial masquerade's flows NAT the outside's probe, which leaves by <see cref="Uplink"/>:
    /// a connection flow covers it and its <c>via</c> (absent: every interface) holds uplink0; null when a
    /// covering flow's via cannot say (<c>any other interface</c>).
    /// </summary>
    private static bool? NatedBy(JsonElement masquerade, ProbeResult r)
    {
        var flows = masquerade.TryGetProperty("flows", out var f) && f.ValueKind == JsonValueKind.Array ? f.EnumerateArray().ToList() : [];
        var via = flows.Where(x => FlowMatch.Connection(x) && FlowMatch.Covers(x, r)).Select(x => LeavesBy(x, Uplink)).ToList();
        return via.Contains(true) ? true : via.Contains(null) ? null : false;
    }

    /// <summary>Whether a flow's <c>via</c> (absent: every interface) holds the interface; null for "any other interface".</summary>
    internal static bool? LeavesBy(JsonElement flow, string device)
    {
        if (!flow.TryGetProperty("via", out var via) || via.ValueKind != JsonValueKind.String) return true;
        var text = via.GetString()!;
        if (text == "any interface") return true;
        const string AllBut = "any interface but ";
        if (text.StartsWith(AllBut, StringComparison.Ordinal))
            return !text[AllBut.Length..].Split(" or ", StringSplitOptions.TrimEntries).Contains(device);
        var names = text.Split(',', StringSplitOptions.TrimEntries);
        return names.Contains(device) ? true : names.Any(n => n.StartsWith("any other", StringComparison.Ordinal)) ? null : false;
    }

    private void PublishedPorts(string key, bool six)
    {
        if (audit.GetProperty(key) is not { ValueKind: JsonValueKind.Array } ports) return;
        foreach (var p in ports.EnumerateArray())
        {
            var hostIp = p.GetProperty("host_ip").GetString();
            string[] targets = (six, hostIp) switch
            {
                (false, "0.0.0.0") => [LabDaemon.UplinkAddress, OracleLab.SecondHostAddress],
                (false, OracleLab.SecondHostAddress) => [OracleLab.SecondHostAddress],
                (false, "127.0.0.1") => ["127.0.0.1"], // a neighbour routing loopback through the host (DFW514)
                (true, "::") => [OracleLab.UplinkAddress6],
                _ => [],
            };
            var port = p.GetProperty("host_port").GetInt32();
            var protocol = p.GetProperty("protocol").GetString();
            var probes = results.Where(r => r.Probe.From == "outside" && r.Probe.Port == port
                && r.Probe.Transport.ToString().Equals(protocol, StringComparison.OrdinalIgnoreCase)
                && targets.Contains(r.Probe.Destination.ToString())).ToList();
            if (probes.Count == 0) continue;
            Checked++;
            if (hostIp == "127.0.0.1") Loopback(p, port, protocol!, probes);
            // Oracle F59: filter_accepts is about the connections Docker's DNAT sends to the container; where not
            // every one is (nated present: false, "partial" or null), the probes may meet a REDIRECT, a RETURN or
            // docker-proxy instead: not compared (DFW515 names the rule).
            if (p.TryGetProperty("nated", out _)) continue;
            var accepts = p.GetProperty("filter_accepts");
            var claim = $"{key} {protocol}/{port} on {hostIp} (to {p.GetProperty("container").GetString()} {p.GetProperty("container_ip").GetString()}:{p.GetProperty("container_port").GetInt32()}) filter_accepts {accepts.GetRawText()}"
                + (p.TryGetProperty("replies_dropped", out var rd) ? $", replies_dropped {rd.GetRawText()}" : "")
                + (p.TryGetProperty("later_dropped", out var ld) ? $", later_dropped {ld.GetRawText()}" : "");
            if (accepts.ValueKind == JsonValueKind.Null) Add($"{key}/unknown", claim, probes);
            else
            {
                // "partial": expected through when the port lets the probe's client in (LetsIn). Replies
                // dropped (replies_dropped, oracle F35): "all", no echo comes back; some, not compared.
                // The later packets dropped (later_dropped, oracle F38): "all", a probe that sends data after the
                // opening gets no echo; some, not compared; a probe of one exchange (a UDP datagram) sends none.
                // A port bound to loopback is served by docker-proxy too (seed 12: the outside's probe routed to
                // 127.0.0.1 echoed through the proxy, INPUT and OUTPUT, while the FORWARD path's later packets
                // die): what the filter does to its DNAT path's replies and later packets is not compared.
                var loopback = hostIp is "127.0.0.1" or "::1";
                var dropped = p.TryGetProperty("replies_dropped", out var d) ? d.GetString() : null;
                var later = p.TryGetProperty("later_dropped", out var l) ? l.GetString() : null;
                bool? Expected(ProbeResult r) => (dropped, FlowMatch.OneExchange(r.Probe) ? null : later) switch
                {
                    (null, null) => accepts.ValueKind == JsonValueKind.String ? LetsIn(p, r) : accepts.GetBoolean(),
                    _ when loopback => null,
                    ("all", _) or (_, "all") => false,
                    _ => null,
                };
                // Only the container's echo counts: a refusal comes from the host (no DNAT, no docker-proxy), not through the filter.
                if (probes.Any(r => Expected(r) == true && r.Outcome != Outcome.Echoed)) Add($"{key}/accepts-but-blocked", claim, probes.Where(r => Expected(r) == true && r.Outcome != Outcome.Echoed));
                if (probes.Any(r => Expected(r) == false && r.Outcome == Outcome.Echoed)) Add($"{key}/refuses-but-reached", claim, probes.Where(r => Expected(r) == false && r.Outcome == Outcome.Echoed));
            }
        }
    }

    /// <summary>
    /// DFW514 says a port bound to 127.0.0.1 is reached by some neighbour routing loopback through the host:
    /// exactly when the packet of a probe from a client the port lets in got to the container. A partial
    /// port names those clients (reached_from, kept_out); a probe from any other says nothing of the claim.
    /// </summary>
    private void Loopback(JsonElement port, int number, string protocol, List<ProbeResult> probes)
    {
        var judged = probes.Where(r => port.GetProperty("filter_accepts").ValueKind != JsonValueKind.String || LetsIn(port, r) == true).ToList();
        if (judged.Count == 0) return;
        Checked++;
        var reached = judged.Where(r => r.Outcome == Outcome.Echoed).ToList();
        var said = audit.GetProperty("findings").EnumerateArray().Any(f => f.GetProperty("code").GetString() == "DFW514"
            && f.GetProperty("message").GetString()!.Contains($"port {protocol}/{number} on 127.0.0.1 ", StringComparison.Ordinal));
        if (reached.Count > 0 && !said) Add("finding/DFW514-missing", $"nothing about {protocol}/{number} on 127.0.0.1 (no DFW514)", reached);
        if (reached.Count == 0 && said) Add("finding/DFW514-but-unreached", $"DFW514: {protocol}/{number} on 127.0.0.1 is reached from the network", judged);
    }

    /// <summary>
    /// Whether a partial port lets the probe in: its clients (reached_from) and host addresses
    /// (reached_on) hold the probe's (null: every one), and no kept_out piece names it (null: a piece
    /// the probe cannot be judged against).
    /// </summary>
    private static bool? LetsIn(JsonElement port, ProbeResult r) => Via(port) switch
    {
        false => false,
        var via => Holds(port, "reached_from", r.Probe.Source) && Holds(port, "reached_on", r.Probe.Destination)
            ? (via is null ? null : !PortKeptOut.Names(port, r.Probe))
            : false,
    };

    /// <summary>
    /// Whether a partial port's <c>reached_via</c> (oracle F41: absent, every interface) holds the
    /// outside's probes, which arrive on the lab's uplink: <c>any interface but LIST</c> all but those,
    /// else the list; null where it names "any other interface" (an interface no rule names, which the
    /// uplink may or may not be).
    /// </summary>
    private static bool? Via(JsonElement port)
    {
        if (!port.TryGetProperty("reached_via", out var via) || via.ValueKind != JsonValueKind.String) return true;
        var text = via.GetString()!;
        if (text == "any interface") return true;
        const string AllBut = "any interface but ";
        if (text.StartsWith(AllBut, StringComparison.Ordinal))
            return !text[AllBut.Length..].Split(',', StringSplitOptions.TrimEntries).Contains(Uplink);
        var names = text.Split(',', StringSplitOptions.TrimEntries);
        return names.Contains(Uplink) ? true : names.Contains("any other interface") ? null : false;
    }

    /// <summary>The lab's uplink, where the outside client's packets come in.</summary>
    private const string Uplink = "uplink0";

    /// <summary>
    /// Whether a partial port's address list (null: every address; <c>any client but LIST</c>, <c>any
    /// address of the host but LIST</c>: all but those) holds <paramref name="address"/>.
    /// </summary>
    private static bool Holds(JsonElement port, string key, IPAddress? address)
    {
        if (!port.TryGetProperty(key, out var list) || list.ValueKind != JsonValueKind.String) return true;
        var text = list.GetString()!;
        var but = text.IndexOf(" but ", StringComparison.Ordinal);
        return text.StartsWith("any ", StringComparison.Ordinal) && but > 0
            ? AddressList.Holds(text[(but + " but ".Length)..], address) != true
            : AddressList.Holds(text, address) != false;
    }

    private List<IPNetwork> Subnets(string network, bool six) =>
        audit.GetProperty("networks").EnumerateArray().Where(n => n.GetProperty("name").GetString() == network)
            .SelectMany(n => n.GetProperty("subnets").EnumerateArray())
            .Select(s => IPNetwork.Parse(s.GetString()!))
            .Where(n => (n.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6) == six).ToList();

    private static string Flows(JsonElement e) =>
        e.GetProperty("flows").GetArrayLength() == 0 ? "" : " with flows " + string.Join("; ", e.GetProperty("flows").EnumerateArray().Select(Flow));

    private static string Flow(JsonElement f)
    {
        static string Or(JsonElement v, string all) => v.ValueKind switch
        {
            JsonValueKind.Null => all,
            JsonValueKind.Array => string.Join(',', v.EnumerateArray().Select(x => x.GetString())),
            _ => v.ToString(),
        };
        var sources = (f.TryGetProperty("sources", out var from) ? $" from {from.GetString()}" : "")
            + (f.TryGetProperty("source_ports", out var sp) ? $" from source ports {sp.GetString()}" : "");
        var types = f.TryGetProperty("icmp_types", out var t) ? $" types {t.GetString()}" : "";
        var via = f.TryGetProperty("via", out var v) ? $" via {v.GetString()}" : "";
        return $"{f.GetProperty("protocol").GetString()}{types} ports {Or(f.GetProperty("ports"), "any")}{sources} to {Or(f.GetProperty("destinations"), "any")}{via} {f.GetProperty("kind").GetString()}{(FlowMatch.Possible(f) ? " possible" : "")}";
    }

    private void Add(string kind, string claim, IEnumerable<ProbeResult> traffic) => found.Add(new Disagreement(kind, claim, traffic.ToList()));
}
