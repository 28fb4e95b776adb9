using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Apply;

/// <summary>
/// An apply that is not confirmed is rolled back while Docker keeps changing the host: a container
/// published during the confirmation window, or a dockerd restart, must keep its rules, which a
/// restore of the whole backup would erase. Confirmed by connecting to the published port.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class RollbackLabTests
{
    private const string Policy = "network shop {\n  icc off;\n}\n";

    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public RollbackLabTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void A_container_published_during_the_confirmation_window_keeps_its_port_after_the_rollback()
    {
        lab.CreateNetwork("shop", "--subnet", "172.31.44.0/24");
        traffic.EchoServer("api", ["--network", "shop"], 80);

        var (exit, output) = ApplyUnconfirmed(() => traffic.EchoServer("late", ["-p", "9090:80"], 80));
        var rules = lab.MustInLab("iptables-save", "-t", "filter");

        Assert.True(exit == 2, output);
        Assert.True(output.Contains("standard input ended before the confirmation", StringComparison.Ordinal) && output.Contains("dockerfw's changes to the rules were undone", StringComparison.Ordinal), output);
        Assert.DoesNotContain("-A DOCKER-USER -j DOCKERFW-POLICY", rules, StringComparison.Ordinal);
        Assert.True(traffic.ConnectsFromOutside(LabDaemon.UplinkAddress, 9090), rules);
    }

    [LabFact]
    public void A_dockerd_restart_during_the_confirmation_window_leaves_dockers_rules_working_after_the_rollback()
    {
        lab.CreateNetwork("shop", "--subnet", "172.31.45.0/24");
        traffic.EchoServer("web", ["--network", "shop", "--restart", "always", "-p", "9091:80"], 80);

        var (exit, output) = ApplyUnconfirmed(lab.Restart);
        var rules = lab.MustInLab("iptables-save", "-t", "filter");
        var connects = Enumerable.Range(0, 20).Any(_ => traffic.ConnectsFromOutside(LabDaemon.UplinkAddress, 9091) || Pause());

        Assert.True(exit == 2, output);
        Assert.True(output.Contains("dockerfw's changes to the rules were undone", StringComparison.Ordinal), output);
        Assert.DoesNotContain("-A DOCKER-USER -j DOCKERFW-POLICY", rules, StringComparison.Ordinal);
        Assert.True(connects, rules);
    }

    private static bool Pause()
    {
        Thread.Sleep(500);
        return false;
    }

    private (int Exit, string Output) ApplyUnconfirmed(Action meanwhile) => UnconfirmedApply.Run(lab, Policy, meanwhile);
}
