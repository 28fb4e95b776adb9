using System.Text.Json;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;

namespace DockerFw.Tests.Audit;

/// <summary>
/// THE audit's acceptance test: every iptables dump of the Docker corpus, audited with the view
/// inferred from it, reports the facts its *.expect.json states (icc as if bridge-nf-call-iptables=1).
/// </summary>
public sealed class DockerCorpusAuditTests
{
    // The .nft dumps are nft text, which Core has no reader for: DockerNftCorpusTests (kernel tests)
    // loads each into a namespace with nft -f and audits its JSON listing against the same facts.

    [Theory]
    [MemberData(nameof(Corpus.DockerIptablesDumps), MemberType = typeof(Corpus))]
    public void A_dump_audits_to_the_facts_its_scenario_expects(string dump)
    {
        var (report, expect) = Audit(dump);
        var failures = Failures(dump, report, expect);
        Assert.True(failures.Count == 0, $"{dump}:\n  " + string.Join("\n  ", failures));
    }

    /// <summary>Every fact of <paramref name="expect"/> the report of <paramref name="dump"/> gets wrong, one line each.</summary>
    internal static List<string> Failures(string dump, AuditReport report, JsonElement expect)
    {
        var failures = new List<string>();
        void Check<T>(string what, T expected, T actual)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual)) failures.Add($"{what}: expected {expected}, got {actual}");
        }

        void CheckSet(string what, IEnumerable<string> expected, IEnumerable<string> actual) =>
            Check(what, string.Join(" | ", expected.Order(StringComparer.Ordinal)), string.Join(" | ", actual.Order(StringComparer.Ordinal)));

        var bridges = expect.GetProperty("bridges").EnumerateObject().ToList();
        CheckSet("bridges", bridges.Select(b => b.Name), report.Networks.Select(n => n.Bridge ?? n.Name));
        foreach (var b in bridges)
        {
            var n = report.Networks.FirstOrDefault(x => x.Bridge == b.Name);
            if (n is null) continue;
            var e = b.Value;
            Check($"{b.Name}.subnet", Str(e, "subnet"), n.Subnets.FirstOrDefault());
            Check($"{b.Name}.internal", e.GetProperty("internal").GetBoolean(), n.Internal);
            // The corpus says on or off; a partial icc (flows listed) counts as off where a Beyond entry says why it is open at all.
            Check($"{b.Name}.icc", (bool?)e.GetProperty("icc").GetBoolean(),
                n.Icc.PartialFlows is not null && ExpectedFindings.BeyondReason(dump, "DFW301") is not null ? false : n.Icc.Effective);
            Check($"{b.Name}.masquerade", (bool?)e.GetProperty("masquerade").GetBoolean(), n.Masquerade.Effective);
            Check($"{b.Name}.snat_to", Str(e, "snat_to"), n.SnatTo);
            Check($"{b.Name}.gateway_mode", Str(e, "gateway_mode"), n.GatewayMode);
        }

        CheckSet("isolated_pairs", expect.GetProperty("isolated_pairs").EnumerateArray().Select(p => Pair(p[0].GetString()!, p[1].GetString()!)), IsolatedPairs(report));
        CheckSet("not_isolated", expect.GetProperty("not_isolated").EnumerateArray().Select(e => $"{e.GetProperty("from").GetString()}->{e.GetProperty("to").GetString()}: {e.GetProperty("allowed").GetString()}"),
            NotIsolated(report));
        CheckSet("cross_bridge_allowed", expect.GetProperty("cross_bridge_allowed").EnumerateArray().Select(e => $"{e.GetProperty("from").GetString()}->{e.GetProperty("to").GetString()}"),
            report.Reachability.Where(r => r.Verdict == ReachabilityVerdict.Partial).Select(r => $"{Bridge(report, r.From)}->{Bridge(report, r.To)}"));
        CheckSet("masqueraded_subnets", expect.GetProperty("masqueraded_subnets").EnumerateArray().Select(s => s.GetString()!),
            report.Networks.Where(n => n.Masquerade.Effective == true && n.SnatTo is null).SelectMany(n => n.Subnets));
        CheckSet("snat_subnets", expect.GetProperty("snat_subnets").EnumerateArray().Select(s => $"{s.GetProperty("bridge").GetString()} {s.GetProperty("subnet").GetString()} -> {s.GetProperty("to_source").GetString()}"),
            report.Networks.Where(n => n.SnatTo is not null).Select(n => $"{n.Bridge} {n.Subnets.FirstOrDefault()} -> {n.SnatTo}"));
        CheckSet("published_ports", ExpectedPorts(dump, expect), report.PublishedPorts.Select(p => PortText(report, p, FilterAcceptIsKnown(dump, expect, p))));
        CheckSet("links", expect.GetProperty("links").EnumerateArray().Select(l => $"{l.GetProperty("bridge").GetString()} {l.GetProperty("client_ip").GetString()} -> {l.GetProperty("server_ip").GetString()} {l.GetProperty("proto").GetString()}/{l.GetProperty("port").GetInt32()}"),
            report.Links.Select(l => $"{Bridge(report, l.Network)} {l.ClientIp} -> {l.ServerIp} {l.Protocol}/{l.Port}"));

        var user = expect.GetProperty("docker_user");
        Check("docker_user.chain_present", user.GetProperty("chain_present").GetBoolean(), report.DockerUser!.ChainPresent);
        Check("docker_user.jump_from_forward_position", user.GetProperty("jump_from_forward_position").ValueKind == JsonValueKind.Null ? null : (int?)user.GetProperty("jump_from_forward_position").GetInt32(), report.DockerUser.JumpFromForwardPosition);
        // An nft dump's expectation writes the rules in nft's syntax, the report in iptables': their number is compared.
        if (dump.EndsWith(".nft", StringComparison.Ordinal)) Check("docker_user.rules", user.GetProperty("rules").GetArrayLength(), report.DockerUser.Rules.Length);
        else CheckSet("docker_user.rules", user.GetProperty("rules").EnumerateArray().Select(r => r.GetString()!), report.DockerUser.Rules);

        var raised = report.Findings.Select(f => f.Code.Code).ToHashSet();
        var expectedFindings = expect.GetProperty("findings").EnumerateArray().Select(f => f.GetString()!).ToList();
        var mapped = new HashSet<string>();
        foreach (var prose in expectedFindings)
        {
            var codes = ExpectedFindings.CodesFor(dump, prose);
            if (codes is null) { failures.Add($"finding not mapped to a code in ExpectedFindings: {prose}"); continue; }
            mapped.UnionWith(codes);
            foreach (var code in codes)
            {
                var gap = ExpectedFindings.GapReason(dump, code);
                if (gap is null && !raised.Contains(code)) failures.Add($"expected {code} for: {prose}");
                if (gap is not null && raised.Contains(code)) failures.Add($"{code} is raised now: remove its entry from ExpectedFindings.Gaps ({gap})");
            }
        }

        foreach (var f in report.Findings.Where(f => f.Severity >= FindingSeverity.Medium && !mapped.Contains(f.Code.Code)))
            if (ExpectedFindings.BeyondReason(dump, f.Code.Code) is null)
                failures.Add($"unexpected {f.Severity.ToString().ToLowerInvariant()} finding {f.Code.Code}: {f.Message}");
        foreach (var code in ExpectedFindings.BeyondCodes(dump).Where(c => !raised.Contains(c)))
            failures.Add($"{code} is not raised any more: remove its entry from ExpectedFindings.Beyond");
        return failures;
    }

    internal static (AuditReport Report, JsonElement Expect) Audit(string dump)
    {
        var path = Corpus.PathOf("docker", dump);
        var ruleset = AuditFixture.Read(File.ReadAllText(path), path);
        // A companion dump is the other back end of the same moment: the kernel runs both.
        var others = ExpectedFindings.CompanionOf(dump).Select(c => AuditFixture.Read(File.ReadAllText(Corpus.PathOf("docker", c)), c)).ToList();
        var context = new AuditContext(others.Aggregate(ruleset, OtherBackendTables.Merge), Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown)
        {
            OtherBackends = [.. others],
        };
        return (Auditor.Run(context), Corpus.ExpectOf(path));
    }

    private static IEnumerable<string> ExpectedPorts(string dump, JsonElement expect) => expect.GetProperty("published_ports").EnumerateArray()
        .Where(p => !p.TryGetProperty("dnat", out var d) || d.GetBoolean())
        .Select(p => $"{p.GetProperty("proto").GetString()} {p.GetProperty("host_ip").GetString()}:{p.GetProperty("host_port").GetInt32()} -> {p.GetProperty("container_ip").GetString()}:{p.GetProperty("container_port").GetInt32()} on {p.GetProperty("bridge").GetString()}"
            + (ExpectedFindings.FilterAcceptCompared(dump, p) ? $" filter_accept={p.GetProperty("filter_accept").GetBoolean()}" : ""));

    private static bool FilterAcceptIsKnown(string dump, JsonElement expect, PublishedPortReport port) =>
        expect.GetProperty("published_ports").EnumerateArray().Any(p => p.GetProperty("container_ip").GetString() == port.ContainerIp
            && p.GetProperty("container_port").GetInt32() == port.ContainerPort && ExpectedFindings.FilterAcceptCompared(dump, p));

    private static string PortText(AuditReport report, PublishedPortReport p, bool withFilter) =>
        $"{p.Protocol} {p.HostIp}:{p.HostPort} -> {p.ContainerIp}:{p.ContainerPort} on {(p.Network is null ? "?" : Bridge(report, p.Network))}"
        + (withFilter ? $" filter_accept={p.FilterAccepts}" : "");

    private static IEnumerable<string> IsolatedPairs(AuditReport report)
    {
        var names = report.Networks.Select(n => n.Name).ToList();
        foreach (var a in names)
            foreach (var b in names.Where(b => string.CompareOrdinal(a, b) < 0))
            {
                var there = report.Reachability.Single(r => r.From == a && r.To == b);
                var back = report.Reachability.Single(r => r.From == b && r.To == a);
                if (there.Verdict != ReachabilityVerdict.Allowed && back.Verdict != ReachabilityVerdict.Allowed)
                    yield return Pair(Bridge(report, a), Bridge(report, b));
            }
    }

    // A pair is listed when either direction is open to everything; its other direction is "all" or "none".
    private static IEnumerable<string> NotIsolated(AuditReport report) =>
        report.Reachability.Where(r => r.Verdict == ReachabilityVerdict.Allowed
                || report.Reachability.Any(x => x.From == r.To && x.To == r.From && x.Verdict == ReachabilityVerdict.Allowed))
            .Select(r => $"{Bridge(report, r.From)}->{Bridge(report, r.To)}: {(r.Verdict == ReachabilityVerdict.Allowed ? "all" : r.Verdict == ReachabilityVerdict.Denied ? "none" : "some")}");

    private static string Pair(string a, string b) => string.CompareOrdinal(a, b) < 0 ? $"{a}+{b}" : $"{b}+{a}";

    private static string Bridge(AuditReport report, string network) => report.Networks.First(n => n.Name == network).Bridge ?? network;

    private static string? Str(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();
}
