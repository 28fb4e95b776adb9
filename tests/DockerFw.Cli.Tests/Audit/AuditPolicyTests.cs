using System.Text.Json;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// `dockerfw audit --policy FILE` over samples/lab-host and rules/icc-off-backend.policy (backend:
/// icc off, api -> db on tcp/5432). The sample runs backend with icc off and no dockerfw chain.
/// </summary>
public sealed class AuditPolicyTests : IDisposable
{
    private static readonly string Policy = Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy");

    private readonly string folder = Directory.CreateTempSubdirectory("dfw-audit-policy-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_host_that_never_applied_the_policy_fails_with_the_policy_not_in_force_and_the_pair_it_blocks()
    {
        var run = LabHost.Audit("--policy", Policy, "--format", "json", "--fail-on", "high");

        Assert.True(run.ExitCode == 1, run.ToString());
        var policyFindings = Findings(run.Out).Where(f => f.GetProperty("check").GetString() == "policy").ToList();
        Assert.Equal(["DFW901", "DFW903"], policyFindings.Select(f => f.GetProperty("code").GetString()));
        Assert.StartsWith($"'api' on 'backend' -> 'db' on 'backend' tcp/5432: new connections are blocked, but the policy {Policy} allows them.",
            policyFindings[1].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("{\"kind\":\"policy\",\"name\":\"rules/icc-off-backend.policy\"}", Compact(run.Out), StringComparison.Ordinal);
    }

    [Fact]
    // Without the policy, the pair it allows on icc=false backend is a real hole (DFW301, oracle F11:
    // it used to read icc "off"); with it, that finding is set apart as intended and nothing else differs.
    public void The_host_after_the_plan_gets_no_policy_finding_and_only_the_allowed_pairs_icc_finding_is_set_apart()
    {
        var after = Path.Combine(folder, "iptables-save");
        File.WriteAllText(after, PlannedRules());
        string[] inputs = ["audit", "--iptables", after, "--docker", LabHost.PathOf("docker-networks.json"), "--docker", LabHost.PathOf("docker-containers.json"), "--format", "json"];

        var with = LabHost.Run([.. inputs, "--policy", Policy, "--fail-on", "medium"]);
        var without = LabHost.Run([.. inputs, "--fail-on", "medium"]);

        Assert.True(with.ExitCode == 0, with.ToString());
        Assert.True(without.ExitCode == 1, without.ToString());
        Assert.DoesNotContain(Findings(with.Out), f => f.GetProperty("check").GetString() == "policy");
        var intended = JsonDocument.Parse(with.Out).RootElement.GetProperty("intended").EnumerateArray().ToList();
        var icc = Assert.Single(intended);
        Assert.Equal("DFW301", icc.GetProperty("code").GetString());
        Assert.Equal(Codes(without.Out).Order(StringComparer.Ordinal), Codes(with.Out).Append("DFW301").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Policy_findings_count_for_fail_on_like_any_other()
    {
        var high = LabHost.Audit("--policy", Policy, "--format", "json", "--fail-on", "high");
        var withoutPolicy = LabHost.Audit("--format", "json", "--fail-on", "high");

        Assert.Equal(0, withoutPolicy.ExitCode);
        Assert.Equal(1, high.ExitCode);
    }

    [Fact]
    public void A_policy_with_a_syntax_error_exits_2_with_the_compiler_style_diagnostic_and_no_report()
    {
        var bad = Path.Combine(folder, "bad.policy");
        File.WriteAllText(bad, "network backend {\n  icc maybe;\n}\n");

        var run = LabHost.Audit("--policy", bad);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"{bad}:2:7: error: expected 'on' or 'off', but got 'maybe' [DFW801]\n", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void A_name_the_docker_view_does_not_know_exits_2_with_its_position()
    {
        var bad = Path.Combine(folder, "bad.policy");
        File.WriteAllText(bad, "network backend {\n  allow web -> db\n}\n");

        var run = LabHost.Audit("--policy", bad);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"{bad}:2:9: error: expected a container on network 'backend' (api, db), but got 'web' [DFW803]\n", run.Error);
    }

    [Fact]
    public void A_policy_file_that_cannot_be_read_exits_2()
    {
        var run = LabHost.Audit("--policy", Path.Combine(folder, "missing.policy"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"dockerfw: error: cannot read {Path.Combine(folder, "missing.policy")}: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_docker_data_the_policy_resolves_through_the_view_inferred_from_the_rules()
    {
        var run = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--policy", Policy]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: expected a Docker bridge network (", run.Error, StringComparison.Ordinal);
        Assert.Contains("but got 'backend' [DFW802]", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_policy_intends_is_reported_apart_with_its_statement_and_does_not_fail_the_audit()
    {
        var policy = Path.Combine(Corpus.RepoRoot, "rules", "isolated-networks.policy");
        var after = Path.Combine(folder, "iptables-save");
        File.WriteAllText(after, PlannedRules(policy));
        string[] inputs = ["audit", "--iptables", after, "--docker", LabHost.PathOf("docker-networks.json"), "--docker", LabHost.PathOf("docker-containers.json"), "--fail-on", "medium"];

        var with = LabHost.Run([.. inputs, "--policy", policy, "--format", "json"]);
        var without = LabHost.Run([.. inputs, "--format", "json"]);
        var text = LabHost.Run([.. inputs, "--policy", policy]);
        var sarif = LabHost.Run([.. inputs, "--policy", policy, "--format", "sarif"]);

        Assert.Equal((1, 0), (without.ExitCode, with.ExitCode));
        Assert.Contains("DFW202", Codes(without.Out));
        Assert.DoesNotContain("DFW202", Codes(with.Out));
        var intended = Assert.Single(JsonDocument.Parse(with.Out).RootElement.GetProperty("intended").EnumerateArray());
        Assert.Equal(("DFW202", "medium"), (intended.GetProperty("code").GetString(), intended.GetProperty("severity").GetString()));
        var by = intended.GetProperty("intended_by");
        Assert.Equal((policy, 3, "allow frontend -> backend tcp/5432"),
            (by.GetProperty("file").GetString(), by.GetProperty("line").GetInt32(), by.GetProperty("statement").GetString()));
        Assert.NotEqual(0, intended.GetProperty("evidence").GetArrayLength());
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Intended by the policy", text.Out, StringComparison.Ordinal);
        Assert.Contains($"intended by {policy}:3: allow frontend -> backend tcp/5432 (would be medium)", text.Out.Replace("\n    ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        var suppressed = JsonDocument.Parse(sarif.Out).RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Single(r => r.TryGetProperty("suppressions", out _));
        Assert.Equal("DFW202", suppressed.GetProperty("ruleId").GetString());
        Assert.Equal($"intended by policy {policy}:3: allow frontend -> backend tcp/5432", suppressed.GetProperty("suppressions")[0].GetProperty("justification").GetString());
    }

    [Fact]
    public void Without_a_policy_the_json_report_has_no_intended_array()
    {
        var run = LabHost.Audit("--format", "json");

        Assert.False(JsonDocument.Parse(run.Out).RootElement.TryGetProperty("intended", out _));
    }

    internal static string PlannedRules(string? policyFile = null)
    {
        policyFile ??= Policy;
        var view = DockerInspectReader.Read(File.ReadAllText(LabHost.PathOf("docker-networks.json")), "docker-networks.json").Value!
            .Merge(DockerInspectReader.Read(File.ReadAllText(LabHost.PathOf("docker-containers.json")), "docker-containers.json").Value!);
        var host = IptablesSaveReader.Read(File.ReadAllText(LabHost.PathOf("iptables-save")), "iptables-save", IpFamily.V4).Value!;
        var policy = PolicyResolver.Resolve(PolicyReader.Read(File.ReadAllText(policyFile), policyFile).Value!, view).Value!;
        return IptablesSaveWriter.Write(PolicyPlanner.Plan(host, policy).Value!.After, includeCounters: false);
    }

    private static List<JsonElement> Findings(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.Clone())];

    private static List<string> Codes(string json) => [.. Findings(json).Select(f => f.GetProperty("code").GetString()!)];

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
