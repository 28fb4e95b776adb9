using System.Net;
using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// DFW612 judged by the kernel: the router publishes 10.201.2.1:8080 to b's port 80, as Docker does.
/// A DOCKER-USER rule on the host port never counts a packet while the published port's connection
/// gets through (FORWARD sees port 80); the remedy the finding writes, on the connection's original
/// port, counts and drops it, and the audit is then silent.
/// </summary>
public sealed class DeadUserRuleKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    private static readonly CountedRule UserRule = new("filter", "DOCKER-USER", 1);

    [KernelFact]
    public void A_DOCKER_USER_drop_on_the_host_port_never_counts_while_the_published_port_flows()
    {
        var (codes, outcome) = Run("filter -A DOCKER-USER -p tcp -m tcp --dport 8080 -j DROP");

        Assert.Equal(["DFW612"], codes);
        Assert.True(outcome.ArrivedAt == "b", outcome.ToString());
        Assert.DoesNotContain(UserRule, outcome.Counted);
    }

    [KernelFact]
    public void The_remedy_on_the_original_port_counts_and_drops_it_and_raises_nothing()
    {
        var (codes, outcome) = Run("filter -A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 -j DROP");

        Assert.Empty(codes);
        Assert.False(outcome.Arrived, outcome.ToString());
        Assert.Contains(UserRule, outcome.Counted);
    }

    private (string[] Codes, ProbeOutcome Outcome) Run(string userRule)
    {
        var topology = fixture.Topology;
        var text = RulesetText.Build(
        [
            "nat -A PREROUTING -d 10.201.2.1 -p tcp --dport 8080 -j DNAT --to-destination 10.201.2.2:80",
            "filter -A FORWARD -j DOCKER-USER",
            userRule,
            "filter -A DOCKER-USER -j RETURN",
        ]);
        var ruleset = IptablesSaveReader.Read(text, "published.iptables-save", IpFamily.V4).Value!;
        var context = new AuditContext(ruleset, Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown);
        string[] codes = [.. new HostCheck().Run(context).Select(f => f.Code.Code).Where(c => c.StartsWith("DFW61", StringComparison.Ordinal))];

        KernelProbe.Load(topology, text);
        var outcome = KernelProbe.Send(topology, new Probe("tcp", topology["a"], IPAddress.Parse("10.201.2.1"), topology.NextSourcePort(), 8080));
        return (codes, outcome);
    }
}
