using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Apply;

/// <summary>The must-show: an icc-off policy with one allowed pair applied to a live icc=true network.</summary>
[Collection(DefaultLabCollection.Name)]
public sealed class PolicyApplyLabTests
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public PolicyApplyLabTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void After_apply_only_the_allowed_pair_connects_and_only_on_its_port_and_a_second_apply_changes_nothing()
    {
        lab.CreateNetwork("shop", "--subnet", "172.31.40.0/24");
        traffic.EchoServer("api", ["--network", "shop"], 80, 5432);
        traffic.EchoServer("db", ["--network", "shop"], 80, 5432);
        traffic.EchoServer("other", ["--network", "shop"], 80, 5432);
        var folder = Directory.CreateTempSubdirectory("dfw-lab-apply-").FullName;
        var policy = Path.Combine(folder, "shop.policy");
        File.WriteAllText(policy, "network shop {\n  icc off;\n  allow api -> db tcp/5432;\n}\n");

        var before = Traffic.All(() => traffic.Connects("other", traffic.Ip("db", "shop"), 5432));
        var first = Apply(policy, folder);
        var probes = Traffic.All(
            () => traffic.Connects("api", traffic.Ip("db", "shop"), 5432),
            () => traffic.Connects("api", traffic.Ip("db", "shop"), 80),
            () => traffic.Connects("db", traffic.Ip("api", "shop"), 5432),
            () => traffic.Connects("other", traffic.Ip("db", "shop"), 5432),
            () => traffic.Pings("api", traffic.Ip("db", "shop")));
        var second = Apply(policy, folder);
        Directory.Delete(folder, recursive: true);

        Assert.Equal([true], before);
        Assert.True(first.Exit == 0, first.Output);
        Assert.Equal([true, false, false, false, false], probes);
        Assert.True(second.Exit == 0, second.Output);
        Assert.Contains("no change", second.Output, StringComparison.Ordinal);
    }

    [LabFact]
    public void A_daemon_restart_keeps_the_jump_and_a_reapply_restores_the_policy_for_the_new_addresses()
    {
        lab.CreateNetwork("shop", "--subnet", "172.31.41.0/24");
        traffic.EchoServer("api", ["--network", "shop"], 5432);
        traffic.EchoServer("db", ["--network", "shop"], 5432);
        traffic.EchoServer("other", ["--network", "shop"], 5432);
        var folder = Directory.CreateTempSubdirectory("dfw-lab-apply-").FullName;
        var policy = Path.Combine(folder, "shop.policy");
        File.WriteAllText(policy, "network shop {\n  icc off;\n  allow api -> db tcp/5432;\n}\n");
        var first = Apply(policy, folder);

        lab.Restart();
        lab.MustDocker("start", "db", "other", "api");
        var dockerUser = lab.MustInLab("iptables", "-S", "DOCKER-USER");
        var reapplied = Apply(policy, folder);
        var probes = Traffic.All(
            () => traffic.Connects("api", traffic.Ip("db", "shop"), 5432),
            () => traffic.Connects("other", traffic.Ip("db", "shop"), 5432));
        Directory.Delete(folder, recursive: true);

        Assert.True(first.Exit == 0, first.Output);
        Assert.Contains("-A DOCKER-USER -j DOCKERFW-POLICY", dockerUser, StringComparison.Ordinal);
        Assert.True(reapplied.Exit == 0, reapplied.Output);
        Assert.Equal([true, false], probes);
    }

    private (int Exit, string Output) Apply(string policy, string backups)
    {
        var output = new StringWriter { NewLine = "\n" };
        var exit = DockerFwApp.Run(
            ["apply", "--policy", policy, "--netns", lab.Netns, "--docker-host", lab.DockerHost, "--yes", "--backup-dir", backups],
            new StandardStreams(new StringReader(""), output, output));
        return (exit, output.ToString());
    }
}
