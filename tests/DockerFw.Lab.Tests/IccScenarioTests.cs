using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>Scenario 2a: a network created with <c>com.docker.network.bridge.enable_icc=false</c>.</summary>
[Collection(DefaultLabCollection.Name)]
public sealed class IccScenarioTests
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public IccScenarioTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void Containers_of_an_icc_false_network_do_not_reach_each_other_and_the_audit_says_icc_is_off()
    {
        lab.CreateNetwork("quiet", "--subnet", "172.31.30.0/24", "-o", "com.docker.network.bridge.enable_icc=false");
        traffic.EchoServer("q1", ["--network", "quiet"], 80);
        traffic.EchoServer("q2", ["--network", "quiet"], 80);

        var audit = LabAudit.Of(lab);

        Assert.False(audit.Declared("quiet", "icc"));
        Assert.False(audit.Effective("quiet", "icc"));
        Assert.Empty(audit.Findings("DFW301"));
        var probes = Traffic.All(
            () => traffic.Connects("q2", traffic.Ip("q1", "quiet"), 80),
            () => traffic.Pings("q1", traffic.Ip("q2", "quiet")),
            () => traffic.ReachesOutside("q1"));
        Assert.Equal([false, false, true], probes);
    }
}

/// <summary>
/// Scenario 2b: a daemon started with <c>--icc=false</c>, and <c>--link db:db</c> where db exposes a
/// port: exactly that port between the two, both ways, nothing else.
/// </summary>
public sealed class LinkScenarioTests : IClassFixture<IccOffLab>
{
    private readonly IccOffLab lab;
    private readonly Traffic traffic;

    public LinkScenarioTests(IccOffLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void A_legacy_link_opens_exactly_the_exposed_port_between_the_two_containers()
    {
        traffic.EchoServer("db", ["--expose", "5432"], 5432, 6000);
        traffic.EchoServer("web", ["--link", "db:db"], 80);
        traffic.EchoServer("other", [], 80);
        var db = traffic.Ip("db", "bridge");
        var web = traffic.Ip("web", "bridge");

        var audit = LabAudit.Of(lab);

        Assert.False(audit.Declared("bridge", "icc"));
        Assert.False(audit.Effective("bridge", "icc"));
        var link = Assert.Single(audit.Links);
        Assert.Equal(("tcp", 5432, web, db), (link.GetProperty("protocol").GetString(), link.GetProperty("port").GetInt32(),
            link.GetProperty("client_ip").GetString(), link.GetProperty("server_ip").GetString()));
        Assert.Empty(audit.Findings("DFW501"));
        Assert.Empty(audit.Findings("DFW502"));
        Assert.Empty(audit.Findings("DFW301"));

        var probes = Traffic.All(
            () => traffic.Connects("web", db, 5432),
            () => traffic.Connects("web", "db", 5432),
            () => traffic.Connects("web", db, 6000),
            () => traffic.Connects("db", web, 80),
            () => traffic.Connects("other", db, 5432),
            () => traffic.Pings("web", db));
        Assert.Equal([true, true, false, false, false, false], probes);
    }

    // Issue 13 item 5: a link anywhere on the host made every plan fail its proof at 1:1.
    [LabFact]
    public void A_policy_about_another_network_applies_and_keeps_the_link_and_a_block_for_the_bridge_must_name_it()
    {
        traffic.EchoServer("db", ["--expose", "5432"], 5432);
        traffic.EchoServer("web", ["--link", "db:db"], 80);
        lab.CreateNetwork("shop", "--subnet", "172.31.47.0/24");
        traffic.EchoServer("s1", ["--network", "shop"], 80);
        traffic.EchoServer("s2", ["--network", "shop"], 80);
        var folder = Directory.CreateTempSubdirectory("dfw-lab-links-").FullName;
        var other = Path.Combine(folder, "shop.policy");
        var bridge = Path.Combine(folder, "bridge.policy");
        File.WriteAllText(other, "network shop {\n  icc off;\n}\n");
        File.WriteAllText(bridge, "network bridge {\n  icc off;\n}\n");

        var applied = Apply.PolicyRuns.Apply(lab, other, folder);
        var probes = Traffic.All(
            () => traffic.Connects("web", traffic.Ip("db", "bridge"), 5432),
            () => traffic.Connects("s1", traffic.Ip("s2", "shop"), 80));
        var refused = Apply.PolicyRuns.Apply(lab, bridge, folder);
        Directory.Delete(folder, recursive: true);

        Assert.True(applied.Exit == 0, applied.Output);
        Assert.Equal([true, false], probes);
        Assert.Equal(2, refused.Exit);
        Assert.Contains("bridge.policy:1:1: error: expected network 'bridge''s block to say what happens to Docker's legacy link 'web' -> 'db' (tcp/5432)", refused.Output, StringComparison.Ordinal);
    }

    // Issue 11 item 3: the audit said nothing (links: []) while Docker still declared the link. db
    // exposes 6000 too but listens on 5432 only, so that its port 6000 is free to connect from.
    [LabFact]
    public void A_deleted_link_accept_is_a_broken_declared_link_and_a_reply_rule_lets_the_server_in_from_its_port()
    {
        traffic.EchoServer("db", ["--expose", "5432", "--expose", "6000"], 5432);
        traffic.EchoServer("web", ["--link", "db:db"], 80);
        var db = traffic.Ip("db", "bridge");
        var web = traffic.Ip("web", "bridge");
        Assert.True(traffic.Connects("web", db, 5432), "the link works before the tampering");
        Assert.All(LabAudit.Of(lab).Links, l => Assert.Equal((true, "true", "source-port"),
            (l.GetProperty("declared").GetBoolean(), l.GetProperty("effective").GetRawText(), l.GetProperty("reverse").GetString())));

        string[] accept = ["DOCKER", "-s", web + "/32", "-d", db + "/32", "-i", "docker0", "-o", "docker0",
            "-p", "tcp", "-m", "tcp", "--dport", "5432", "-j", "ACCEPT"];
        lab.MustInLab(["iptables", "-D", .. accept]);
        var audit = LabAudit.Of(lab);

        var finding = Assert.Single(audit.Findings("DFW530"));
        Assert.Equal(["web", "db"], LabAudit.Names(finding, "containers"));
        Assert.Contains("on tcp/5432", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
        var links = audit.Links.ToDictionary(l => l.GetProperty("port").GetInt32(), l => (l.GetProperty("client").GetString(), l.GetProperty("server").GetString(),
            l.GetProperty("declared").GetBoolean(), l.GetProperty("effective").GetRawText(), l.GetProperty("reverse").GetString()));
        Assert.Equal(("web", "db", true, "false", "source-port"), links[5432]);
        Assert.Equal(("web", "db", true, "true", "source-port"), links[6000]);
        var probes = Traffic.All(
            () => traffic.Connects("web", db, 5432),
            () => traffic.ConnectsFrom("db", 6000, web, 80),
            () => traffic.Connects("db", web, 80));
        // Put it back, so that Docker's own removal of the link's rules finds all of them.
        lab.MustInLab(["iptables", "-A", .. accept]);
        Assert.Equal([false, true, false], probes);
    }
}
