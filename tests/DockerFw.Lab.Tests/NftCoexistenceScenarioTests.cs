using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// Native nft tables beside Docker's iptables-nft rules, as a Debian host has them: the stock
/// /etc/nftables.conf (<c>table inet filter</c>, empty accepting base chains) and the empty
/// <c>ip6 filter</c> that <c>ip6tables -A ...; ip6tables -D ...</c> leaves. Neither changes what
/// passes, so the audit must still say the networks are isolated, as real connections show.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class NftCoexistenceScenarioTests
{
    // Debian 12's /etc/nftables.conf without its first line, `flush ruleset`: nftables.service loads it
    // at boot, before dockerd writes its rules; flushing here would remove those rules instead.
    private const string DebianStock =
        """
        table inet filter {
        	chain input {
        		type filter hook input priority filter;
        	}
        	chain forward {
        		type filter hook forward priority filter;
        	}
        	chain output {
        		type filter hook output priority filter;
        	}
        }
        """;

    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public NftCoexistenceScenarioTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void Debian_stock_nftables_conf_leaves_the_networks_isolated_and_the_audit_says_so()
    {
        var conf = Path.Combine(lab.WorkDir, "nftables.conf");
        File.WriteAllText(conf, DebianStock);
        lab.MustInLab("nft", "-f", conf);
        try
        {
            AssertIsolatedAndClean("table inet filter");
        }
        finally
        {
            lab.InLab("nft", "delete", "table", "inet", "filter");
        }
    }

    [LabFact]
    public void An_empty_ip6_filter_table_left_by_ip6tables_nft_leaves_the_networks_isolated_and_the_audit_says_so()
    {
        lab.MustInLab("ip6tables-nft", "-A", "INPUT", "-j", "ACCEPT");
        lab.MustInLab("ip6tables-nft", "-D", "INPUT", "-j", "ACCEPT");
        try
        {
            Assert.Contains("table ip6 filter", lab.MustInLab("nft", "list", "tables"));
            AssertIsolatedAndClean("table ip6 filter");
        }
        finally
        {
            lab.InLab("nft", "delete", "table", "ip6", "filter");
        }
    }

    private void AssertIsolatedAndClean(string beside)
    {
        lab.CreateNetwork("alpha", "--subnet", "172.31.10.0/24");
        lab.CreateNetwork("beta", "--subnet", "172.31.20.0/24");
        traffic.EchoServer("a1", ["--network", "alpha"], 80);
        traffic.EchoServer("a2", ["--network", "alpha"], 80);
        traffic.EchoServer("b1", ["--network", "beta"], 80);
        traffic.EchoServer("d1", [], 80);

        var audit = LabAudit.Of(lab);

        Assert.True(audit.Findings("DFW201").Count() == 0, $"{beside}: no isolation hole\n{audit.Json}");
        Assert.DoesNotContain(audit.Root.GetProperty("findings").EnumerateArray(), f => f.GetProperty("severity").GetString() == "high");
        Assert.Equal(0, audit.ExitCode);
        (string From, string FromNet, string To, string ToNet)[] pairs =
        [
            ("a1", "alpha", "b1", "beta"), ("b1", "beta", "a1", "alpha"), ("a1", "alpha", "d1", "bridge"), ("d1", "bridge", "b1", "beta"),
        ];
        var connected = Traffic.All([.. pairs.Select(p => (Func<bool>)(() => traffic.Connects(p.From, traffic.Ip(p.To, p.ToNet), 80)))]);
        for (var i = 0; i < pairs.Length; i++)
        {
            Assert.Equal("denied", audit.Reach(pairs[i].FromNet, pairs[i].ToNet));
            Scenario.AssertTrafficAgrees(audit, pairs[i].FromNet, pairs[i].ToNet, connected[i], $"{pairs[i].From} -> {pairs[i].To}:80");
        }

        Assert.True(traffic.Connects("a2", traffic.Ip("a1", "alpha"), 80), "within alpha connections pass: the probes work");
    }
}
