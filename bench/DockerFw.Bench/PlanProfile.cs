using System.Diagnostics;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Bench;

/// <summary>
/// `plan POLICY DUMP DOCKER-JSON`: where `plan` spends its CPU time (read, the whole plan, then its
/// proof again phase by phase: the view, the per-container walks, the per-pair cut, the published ports).
/// </summary>
internal static class PlanProfile
{
    public static int Run(string policyFile, string dump, string docker)
    {
        var start = Process.GetCurrentProcess().TotalProcessorTime;
        var last = TimeSpan.Zero;
        void Mark(string phase)
        {
            var now = Process.GetCurrentProcess().TotalProcessorTime - start;
            Console.Error.WriteLine($"{phase,-28} {(now - last).TotalMilliseconds,8:F0} ms   allocated {GC.GetTotalAllocatedBytes() >> 20,6} MB");
            last = now;
        }

        var ruleset = IptablesSaveReader.Read(File.ReadAllText(dump), dump).Value!;
        var view = DockerInspectReader.Read(File.ReadAllText(docker), docker).Value!;
        var policy = PolicyResolver.Resolve(PolicyReader.Read(File.ReadAllText(policyFile), policyFile).Value!, view).Value!;
        Mark("read");
        var plan = PolicyPlanner.Plan(ruleset, policy);
        Mark($"plan ({(plan.Value is null ? "refused" : "planned")})");
        var after = plan.Value!.After;
        var proving = PolicyView.Proving(after, policy);
        var rules = proving.Rules;
        Mark("proof: view");
        var members = policy.Members.Where(m => m.AddressOf(IpFamily.V4) is not null).ToList();
        var containers = members.Aggregate(IntervalSet.Empty, (s, m) => s.Union(IntervalSet.Single(m.AddressOf(IpFamily.V4)!.Value)));
        var bridges = ContainerWalks.BridgesOf(rules.Space, members);
        var walks = members.Select(m => ContainerWalks.From(rules, m, IpFamily.V4, containers, bridges)).ToList();
        Mark($"proof: {members.Count} walks ({walks.Sum(w => w.Requests.Regions.Length)} request regions)");
        _ = PairJudge.Judge(proving, policy);
        Mark("proof: judge (walks again)");
        _ = PublishProof.Check(after, policy);
        Mark("proof: published ports");
        return 0;
    }
}
