using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The claims of <c>audit --policy</c> (DFW902: connections the policy forbids get through; DFW903:
/// connections it allows are blocked) against the traffic. The oracle says on its own what the
/// scenario's policy asks of each probe: between networks nothing (isolation), inside the policy's
/// network only the allowed pair on its port, inside any other network what its declared icc says; a
/// restricted published port only to the clients (or on the host address) the policy names. Where
/// the traffic differs from the policy, a finding must name that pair and the probe's packets; a
/// finding that names a probe's packets must say what the probe met. IPv6 is not compared: the
/// lab's Docker writes no ip6tables rules, so the plan has no IPv6 half and the audit asks none.
/// </summary>
public sealed partial class PolicyClaims(JsonElement audit, IReadOnlyList<ProbeResult> results, PolicySpec policy, EndpointView view)
{
    public int Checked { get; private set; }

    public IReadOnlyList<Disagreement> Check()
    {
        var found = new List<Disagreement>();
        var findings = audit.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("code").GetString() is "DFW902" or "DFW903")
            .Select(f => (Code: f.GetProperty("code").GetString()!, Message: f.GetProperty("message").GetString()!)).ToList();
        var pairs = new HashSet<(string, string)>();
        foreach (var r in results.Where(r => r.Probe.Destination.AddressFamily == AddressFamily.InterNetwork && r.Probe.From != "outside"))
        {
            if (view.Owner(r.Probe.Source) is not { } from || view.Owner(r.Probe.Destination) is not { } to || Expected(r.Probe, from, to) is not { } expected) continue;
            pairs.Add(($"{from}", $"{to}"));
            var head = $"'{from.Container}' on '{from.Network}' -> '{to.Container}' on '{to.Network}' ";
            var claims = findings.Where(f => f.Message.StartsWith(head, StringComparison.Ordinal))
                .Select(f => (f.Code, Actual: Actual(f.Message, r.Probe), Covers: Covers(f.Message[head.Length..f.Message.IndexOf(": new connections", StringComparison.Ordinal)], r.Probe, r.SourcePort))).ToList();
            Compare(found, r, r.Reached, expected, claims, $"the policy {(expected ? "allows" : "forbids")} {r.Probe.Transport.ToString().ToLowerInvariant()} {from.Container} ({from.Network}) -> {to.Container} ({to.Network})", "policy");
        }

        var ports = new HashSet<IPAddress>();
        if (policy.Publish is { } publish)
        {
            foreach (var r in results.Where(r => r.Probe.From == "outside" && r.Probe.Port == publish.HostPort && r.Probe.Transport == Transport.Tcp
                && r.Probe.Source is not null && r.Probe.Destination.AddressFamily == AddressFamily.InterNetwork))
            {
                if (!Binds(r.Probe.Destination)) continue;
                ports.Add(r.Probe.Destination);
                var expected = publish.Lets(r.Probe.Source!, r.Probe.Destination);
                var head = $"tcp/{publish.HostPort} on ";
                var claims = findings.Where(f => f.Message.StartsWith(head, StringComparison.Ordinal) && f.Message.Contains($"'{publish.Container}'", StringComparison.Ordinal))
                    .Select(f => (f.Code, Actual: Actual(f.Message, r.Probe), Covers: PublishedCovers(f.Message[head.Length..f.Message.IndexOf(": new connections", StringComparison.Ordinal)], r.Probe))).ToList();
                Compare(found, r, r.Outcome == Outcome.Echoed, expected, claims, $"the policy {(expected ? "publishes" : "does not publish")} tcp/{publish.HostPort} of {publish.Container} to {r.Probe.Source} on {r.Probe.Destination} ({publish.Statement})", "policy-published");
            }
        }

        Checked = pairs.Count + ports.Count;
        return found;
    }

    /// <summary>
    /// A difference between traffic and policy must be in a finding of the right code that covers the
    /// probe (an unreadable packet list counts as covering); a finding that covers the probe must say
    /// what the probe met, and a "may" is a disagreement however it reads.
    /// </summary>
    private static void Compare(List<Disagreement> found, ProbeResult r, bool met, bool expected, List<(string Code, string Actual, bool? Covers)> claims, string claim, string kind)
    {
        var code = met ? "DFW902" : "DFW903";
        if (met != expected && !claims.Any(c => c.Code == code && c.Covers != false))
            found.Add(new Disagreement($"{kind}/{code}-missing", $"nothing about it ({claim}; {Said(claims)})", [r]));
        foreach (var c in claims.Where(c => c.Covers == true))
        {
            if (c.Actual == "may") found.Add(new Disagreement($"{kind}/maybe", $"{c.Code} 'may' ({claim})", [r]));
            else if ((c.Actual == "through") != met) found.Add(new Disagreement($"{kind}/{c.Code}-{(met ? "but-reached" : "but-blocked")}", $"{c.Code} says they {(c.Actual == "through" ? "get through" : "are blocked")} ({claim})", [r]));
        }
    }

    private static string Said(List<(string Code, string Actual, bool? Covers)> claims) =>
        claims.Count == 0 ? "no finding names the pair" : "the pair's findings: " + string.Join(", ", claims.Select(c => $"{c.Code} {c.Actual} (covers the probe: {c.Covers?.ToString() ?? "unknown"})"));

    /// <summary>What the policy asks of a probe between containers; null where the oracle does not model it.</summary>
    private bool? Expected(Probe p, (string Container, string Network) from, (string Container, string Network) to)
    {
        if (from.Network != to.Network) return false;
        if (from.Network == policy.Network)
            return from.Container == policy.Client && to.Container == policy.Server && p.Transport == Transport.Tcp && p.Port == policy.Port && p.Listening;
        // The default bridge without icc opens its legacy links' exposed ports, which the oracle does not model.
        if (from.Network == "bridge" && view.Links && view.DeclaredIcc("bridge") == false) return null;
        return view.DeclaredIcc(from.Network);
    }

    private bool Binds(IPAddress destination)
    {
        var binding = audit.GetProperty("published_ports").EnumerateArray()
            .FirstOrDefault(x => x.GetProperty("host_port").GetInt32() == policy.Publish!.HostPort && x.GetProperty("protocol").GetString() == "tcp");
        if (binding.ValueKind != JsonValueKind.Object) return false;
        var hostIp = binding.GetProperty("host_ip").GetString();
        return hostIp == "0.0.0.0" ? destination.ToString() is LabDaemon.UplinkAddress or OracleLab.SecondHostAddress : destination.ToString() == hostIp;
    }

    /// <summary>
    /// What a finding says the probe meets: "through", "blocked" or "may". An opening-only piece (F38: the
    /// first packet and its replies pass, the later packets not) lets a probe of one exchange through and
    /// blocks a TCP probe that sends data.
    /// </summary>
    private static string Actual(string message, Probe probe) =>
        message.Contains("but not their later packets", StringComparison.Ordinal) ? (FlowMatch.OneExchange(probe) ? "through" : "blocked")
        : message.Contains("new connections may", StringComparison.Ordinal) ? "may"
        : message.Contains("new connections get through", StringComparison.Ordinal) || message.Contains("new connections reach", StringComparison.Ordinal) ? "through"
        : "blocked";

    /// <summary>
    /// Whether a finding's packets (<c>tcp/5432</c>, <c>udp, icmp</c>, <c>tcp/0-79,81-65535 and every
    /// other protocol</c>, <c>every protocol</c>, <c>tcp/6832 from source port 26545</c>, <c>tcp from
    /// source ports 0-4930,4932-65535</c>) hold the probe's; null when the list is cut short, or names
    /// source ports and the probe's is not known.
    /// </summary>
    public static bool? Covers(string packets, Probe p, int? sourcePort = null)
    {
        if (packets == "every protocol") return true;
        if (MoreSuffix().IsMatch(packets)) return null;
        var everyOther = packets.EndsWith(" and every other protocol", StringComparison.Ordinal);
        if (everyOther) packets = packets[..^" and every other protocol".Length];
        var name = p.Transport.ToString().ToLowerInvariant();
        var pieces = packets.Split(", ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var mine = pieces.Where(x => x == name || x.StartsWith(name + "/", StringComparison.Ordinal) || x.StartsWith(name + " from source port", StringComparison.Ordinal)).ToList();
        if (mine.Count == 0) return everyOther;
        var value = p.Transport == Transport.Icmp ? 8 : p.Port;
        // "tcp/6832 from source port 26545", "tcp from source ports 0-4930,4932-65535" (seed 4288): the
        // probe's source port is the kernel's choice, recorded with its result since seed 3408 stopped on it.
        var held = mine.Select(x => x.Split([" from source ports ", " from source port "], 2, StringSplitOptions.None) is [var to, var from]
                ? !Held(to, value) ? false : sourcePort is { } sport ? InRanges(from, sport) : (bool?)null
                : Held(x, value))
            .ToList();
        return held.Contains(true) ? true : held.Contains(null) ? null : false;
    }

    private static bool Held(string piece, int value) =>
        !piece.Contains('/') || InRanges(piece[(piece.IndexOf('/') + 1)..].Replace("type ", "", StringComparison.Ordinal), value);

    private static bool InRanges(string ranges, int value) =>
        ranges.Split(',').Any(r => r.Split('-') is [var lo, var hi] ? Int(lo) <= value && value <= Int(hi) : Int(r) == value);

    private static int Int(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A published-port finding's <c>HOSTS from SOURCES</c> holds the probe's destination and source.</summary>
    private static bool? PublishedCovers(string hostsAndSources, Probe p)
    {
        var at = hostsAndSources.IndexOf(" from ", StringComparison.Ordinal);
        if (at < 0) return null;
        var (hosts, sources) = (HostsHold(hostsAndSources[..at], p.Destination), AddressList.Holds(hostsAndSources[(at + " from ".Length)..], p.Source));
        return hosts == false || sources == false ? false : hosts == true && sources == true ? true : null;
    }

    /// <summary>
    /// The host addresses of a published-port finding: a list, or every address of the host (all but
    /// a list), which holds every address the probes send to the host on.
    /// </summary>
    private static bool? HostsHold(string hosts, IPAddress destination)
    {
        const string any = "any address of the host";
        if (hosts == any) return true;
        if (hosts.StartsWith(any + " but ", StringComparison.Ordinal))
            return AddressList.Holds(hosts[(any.Length + " but ".Length)..], destination) is { } excepted ? !excepted : null;
        return AddressList.Holds(hosts, destination);
    }

    [GeneratedRegex(@" and \d+ more$")]
    private static partial Regex MoreSuffix();
}
