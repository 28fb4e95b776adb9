using DockerFw.Core.Model;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Tests.Audit;

namespace DockerFw.Tests.Policy;

/// <summary>
/// The policy's pair judge asks where a server answers, as the audit's matrices do (ReplyWay, oracle
/// F10 and F26): on samples/lab-host api is on backend and frontend, so it answers web (frontend) from
/// its frontend endpoint, whichever of its addresses web asked: the reply is switched on frontend's
/// bridge, ESTABLISHED in and out there, where a plan's icc drop drops it. Unless the request was
/// masqueraded on its way (Docker's default), which api then answers the way it came.
/// </summary>
public sealed class ReplyWayPolicyTests
{
    private const string Policy = "allow frontend -> backend\nnetwork frontend { icc off }";

    private static readonly string LabHost = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save"));

    private static readonly string Frontend = PolicyResolverTests.LabHost.NetworkByName("frontend")!.Bridge!;

    [Fact]
    public void A_server_on_the_clients_network_answers_through_its_bridge_where_the_plans_icc_drop_kills_the_replies()
    {
        // frontend without masquerade (enable_ip_masquerade=false): web's request reaches api with web's own address.
        var unmasqueraded = AuditFixture.Read(LabHost.Replace($"-A POSTROUTING -s 172.30.1.0/24 ! -o {Frontend} -j MASQUERADE\n", "", StringComparison.Ordinal));

        var plan = PolicyPlanner.Plan(unmasqueraded, Resolve(Policy));

        Assert.Null(plan.Value);
        var refusal = Assert.Single(plan.Diagnostics, d => d.Message.Contains("'web' on 'frontend' -> 'api' on 'backend'", StringComparison.Ordinal));
        Assert.EndsWith($"every protocol is one-way, not reachable: its replies are not accepted (decided by filter/DOCKERFW-POLICY#3 (line 7): -A DOCKERFW-POLICY -i {Frontend} -o {Frontend} -j DROP)", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_masqueraded_request_is_answered_the_way_it_came_and_the_same_plan_is_proved()
    {
        var plan = PolicyPlanner.Plan(AuditFixture.Read(LabHost), Resolve(Policy));

        Assert.True(plan.Value is not null, string.Join("\n", plan.Diagnostics.Select(d => d.Render())));
        Assert.Contains($"-A DOCKERFW-POLICY -i {Frontend} -o {Frontend} -j DROP", plan.Value!.Rules);
    }

    private static ResolvedPolicy Resolve(string text) =>
        PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, PolicyResolverTests.LabHost).Value!;
}
