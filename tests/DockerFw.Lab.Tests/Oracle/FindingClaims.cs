using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The findings that must follow from the traffic: a connection from one network into another (a
/// probe whose source lies in A's subnet reached B's) needs DFW201 or DFW202 naming A then B; a
/// connection between two containers of an icc=false network (not between the two ends of a legacy
/// link, which is DFW501's) needs DFW301 for it; an icc=true network where every probe between its
/// containers was silent needs DFW302. IPv6 findings are those whose message starts "over IPv6".
/// Only what the traffic proves is asked: a finding about flows no probe tried is not refuted.
/// </summary>
public sealed class FindingClaims(JsonElement audit, IReadOnlyList<ProbeResult> between)
{
    public int Checked { get; private set; }

    public IReadOnlyList<Disagreement> Check()
    {
        var found = new List<Disagreement>();
        var networks = audit.GetProperty("networks").EnumerateArray().ToList();
        foreach (var six in new[] { false, true })
        {
            var kind = six ? "finding-v6" : "finding";
            var subnets = networks.ToDictionary(n => n.GetProperty("name").GetString()!, n => Subnets(n, six));
            foreach (var (a, fromNets) in subnets)
                foreach (var (b, toNets) in subnets)
                {
                    if (a == b || fromNets.Count == 0 || toNets.Count == 0) continue;
                    var probes = In(fromNets, toNets);
                    if (probes.Count == 0) continue;
                    Checked++;
                    var reached = probes.Where(p => p.Reached).ToList();
                    if (reached.Count > 0 && !Has(six, n => n is [var x, var y] && x == a && y == b, "DFW201", "DFW202"))
                        found.Add(new Disagreement($"{kind}/DFW201-202-missing", $"no DFW201/DFW202 finding for {a} -> {b}{(six ? " over IPv6" : "")}", reached));
                }

            foreach (var n in networks)
            {
                var name = n.GetProperty("name").GetString()!;
                if (n.GetProperty(six ? "icc_v6" : "icc") is not { ValueKind: JsonValueKind.Object } icc
                    || icc.GetProperty("declared") is not { ValueKind: JsonValueKind.True or JsonValueKind.False } declared) continue;
                var probes = In(subnets[name], subnets[name]).Where(p => !Linked(p.Probe)).ToList();
                // An icc the audit calls unknown is its answer (icc/unknown counts it); no finding is owed on top.
                if (probes.Count == 0 || icc.GetProperty("effective").ValueKind == JsonValueKind.Null) continue;
                Checked++;
                var reached = probes.Where(p => p.Reached).ToList();
                if (!declared.GetBoolean() && reached.Count > 0 && !Has(six, x => x.Contains(name), "DFW301"))
                    found.Add(new Disagreement($"{kind}/DFW301-missing", $"no DFW301 finding for {name} (icc=false){(six ? " over IPv6" : "")}", reached));
                // A partial icc whose connections lie where no probe went (seed 4361: firewalld's forward port
                // 42714, DNATed to the container inside its own network) is not contradicted by silence.
                var unprobed = icc.GetProperty("effective").ValueKind == JsonValueKind.String && icc.TryGetProperty("flows", out var flows)
                    && flows.EnumerateArray().Any(f => !probes.Any(p => FlowMatch.Carries(f, p.Probe) && FlowMatch.Covers(f, p)));
                if (declared.GetBoolean() && reached.Count == 0 && !unprobed && !Has(six, x => x.Contains(name), "DFW302"))
                    found.Add(new Disagreement($"{kind}/DFW302-missing", $"no DFW302 finding for {name} (icc=true, every probe inside it silent){(six ? " over IPv6" : "")}", probes));
            }
        }

        return found;
    }

    private List<ProbeResult> In(List<IPNetwork> from, List<IPNetwork> to) =>
        between.Where(r => r.Probe.Source is { } s && from.Any(n => n.Contains(s)) && to.Any(n => n.Contains(r.Probe.Destination))).ToList();

    // With --policy, a finding the policy asks for is listed under "intended" instead: still said.
    private bool Has(bool six, Func<string[], bool> names, params string[] codes) =>
        audit.GetProperty("findings").EnumerateArray()
            .Concat(audit.TryGetProperty("intended", out var intended) && intended.ValueKind == JsonValueKind.Array ? intended.EnumerateArray() : [])
            .Any(f =>
            codes.Contains(f.GetProperty("code").GetString())
            && f.GetProperty("message").GetString()!.StartsWith("over IPv6", StringComparison.Ordinal) == six
            && names(f.GetProperty("networks").EnumerateArray().Select(x => x.GetString()!).ToArray()));

    /// <summary>A probe between the two ends of a legacy link (either way): Docker's link rules, not icc.</summary>
    private bool Linked(Probe p) =>
        audit.GetProperty("links") is { ValueKind: JsonValueKind.Array } links && links.EnumerateArray().Any(l =>
        {
            var client = l.GetProperty("client_ip").GetString();
            var server = l.GetProperty("server_ip").GetString();
            var (s, d) = (p.Source?.ToString(), p.Destination.ToString());
            return (s == client && d == server) || (s == server && d == client);
        });

    private static List<IPNetwork> Subnets(JsonElement network, bool six) =>
        network.GetProperty("subnets").EnumerateArray().Select(s => IPNetwork.Parse(s.GetString()!))
            .Where(n => (n.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6) == six).ToList();
}
