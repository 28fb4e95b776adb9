using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Snapshot;

/// <summary>
/// What a drift changes in traffic: the approved snapshot's IPv4 rules, their names resolved to
/// today's bridges and container addresses, against the host's rules now, both judged by the audit's
/// engines with today's Docker view and kernel settings. The lines say which traffic between
/// networks, which icc and masquerade, and which published ports behave differently; a drift of text
/// alone (comments, an order the engine proves harmless) changes none.
/// </summary>
public static partial class BehaviourDrift
{
    /// <summary>
    /// The changes, none when the approved rules behave as the rules now do; or why they cannot be
    /// compared (a container or network the approved rules name is gone, no IPv4 rules).
    /// </summary>
    public static (ImmutableArray<string> Changes, string? Unknown) Compare(string approved, string file, Ruleset now, DockerView view, HostSettings host)
    {
        var (text, unresolved) = Resolve(Ipv4Tables(approved), view);
        if (unresolved is not null) return ([], $"the approved rules name {unresolved}, which the host no longer has");
        if (text.Length == 0) return ([], "the approved snapshot holds no IPv4 rules");
        var read = IptablesSaveReader.Read(text, file, IpFamily.V4);
        if (read.Value is null) return ([], "the approved rules do not read back as iptables-save");

        var then = Judge(read.Value, view, host);
        var current = Judge(now, view, host);
        return ([.. Networks(then, current), .. Pairs(then, current), .. Ports(then, current)], null);
    }

    private static AuditReport Judge(Ruleset rules, DockerView view, HostSettings host) =>
        Auditor.Run(new AuditContext(rules, Ruleset.Empty(IpFamily.V6), view, host), []);

    private static IEnumerable<string> Networks(AuditReport then, AuditReport now)
    {
        foreach (var n in now.Networks)
        {
            if (then.Networks.FirstOrDefault(t => t.Name == n.Name) is not { } t) continue;
            if (Words(t.Icc) != Words(n.Icc)) yield return $"icc on {n.Name}: {Words(t.Icc)}, now {Words(n.Icc)}";
            if (t.Masquerade.Effective != n.Masquerade.Effective)
                yield return $"masquerade of {n.Name}: {Words(t.Masquerade)}, now {Words(n.Masquerade)}";
        }
    }

    private static IEnumerable<string> Pairs(AuditReport then, AuditReport now)
    {
        var before = then.Reachability.ToDictionary(e => (e.From, e.To));
        foreach (var e in now.Reachability)
        {
            if (!before.TryGetValue((e.From, e.To), out var t) || Words(t) == Words(e)) continue;
            yield return $"{e.From} -> {e.To}: {Words(t)}, now {Words(e)}";
        }
    }

    private static IEnumerable<string> Ports(AuditReport then, AuditReport now)
    {
        var before = then.PublishedPorts.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        foreach (var p in now.PublishedPorts)
        {
            if (!before.TryGetValue(Key(p), out var t) || t.FilterAccepts == p.FilterAccepts) continue;
            yield return $"published {p.Protocol}/{p.HostPort} -> {p.Container ?? p.ContainerIp}:{p.ContainerPort}: {Accepts(t.FilterAccepts)}, now {Accepts(p.FilterAccepts)}";
        }
    }

    private static string Key(PublishedPortReport p) => $"{p.Protocol}/{p.HostIp}:{p.HostPort}->{p.Container ?? p.ContainerIp}:{p.ContainerPort}";

    private static string Accepts(bool? accepts) => accepts switch { true => "let in", false => "kept out", null => "undecided" };

    private static string Words(Setting s) =>
        s.PartialFlows is { } flows ? $"partial ({string.Join(", ", flows.Select(FlowWords.Of))})"
        : s.Effective switch { true => "on", false => "off", null => "undecided" };

    private static string Words(ReachabilityEntry e) => e.Verdict switch
    {
        ReachabilityVerdict.Denied => "denied",
        ReachabilityVerdict.Allowed => e.Flows.All(f => f.Kind == "connection") ? "allowed" : $"allowed ({string.Join(", ", e.Flows.Select(FlowWords.Of))})",
        _ => $"partial ({string.Join(", ", e.Flows.Select(FlowWords.Of))})",
    };

    /// <summary>
    /// The snapshot's first run of table blocks: the IPv4 rules (IPv6's follow, starting again at a
    /// table already seen), before the lines about the Docker view.
    /// </summary>
    private static string Ipv4Tables(string snapshot)
    {
        var text = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in snapshot.Split('\n'))
        {
            if (line.StartsWith("# network ", StringComparison.Ordinal) || line.StartsWith("# container ", StringComparison.Ordinal)) break;
            if (line.StartsWith('*') && !seen.Add(line)) break;
            text.Append(line).Append('\n');
        }

        return text.ToString().Trim('\n') is { Length: > 0 } t ? t + "\n" : "";
    }

    /// <summary>The rules with today's bridge names and container addresses for the snapshot's names.</summary>
    private static (string Text, string? Unresolved) Resolve(string rules, DockerView view)
    {
        string? unresolved = null;
        var text = Placeholder().Replace(rules, m =>
        {
            var replaced = m.Groups["bridge"].Success ? BridgeOf(view, m.Groups["bridge"].Value) : AddressOf(view, m.Groups["container"].Value, m.Groups["network"].Value);
            unresolved ??= replaced is null ? m.Value : null;
            return replaced ?? m.Value;
        });
        return (text, unresolved);
    }

    private static string? BridgeOf(DockerView view, string network) => view.Networks.FirstOrDefault(n => n.Name == network)?.Bridge;

    private static string? AddressOf(DockerView view, string container, string network) =>
        view.Containers.FirstOrDefault(c => c.Name == container)?.Endpoints.FirstOrDefault(e => e.Network == network)?.Ipv4 is { } v4
            ? IpAddressValue.Format(v4, IpFamily.V4)
            : null;

    [GeneratedRegex(@"<(?:bridge:(?<bridge>[^<>]+)|(?<container>[^<>@]+)@(?<network>[^<>]+))>", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
