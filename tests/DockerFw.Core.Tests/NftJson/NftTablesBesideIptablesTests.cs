using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests;
using DockerFw.Tests.Audit;
using DockerFw.Tests.Semantics;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>
/// Native nft tables that share a name with an iptables table (Debian's stock <c>table inet filter</c>,
/// the empty <c>ip6 filter</c> ip6tables-nft leaves behind) are other tables in the kernel: empty
/// accept base chains beside Docker's rules change nothing, in either engine or in the audit.
/// </summary>
public sealed class NftTablesBesideIptablesTests
{
    /// <summary>Debian 12's /etc/nftables.conf, as <c>nft -j list ruleset</c> prints it after <c>nft -f</c>.</summary>
    public const string DebianStock =
        """
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
         {"table": {"family": "inet", "name": "filter", "handle": 1}},
         {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
         {"chain": {"family": "inet", "table": "filter", "name": "forward", "handle": 2, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
         {"chain": {"family": "inet", "table": "filter", "name": "output", "handle": 3, "type": "filter", "hook": "output", "prio": 0, "policy": "accept"}}]}
        """;

    /// <summary>What <c>ip6tables-nft -A INPUT ...; ip6tables-nft -D INPUT ...</c> leaves, as nft lists it.</summary>
    public const string LeftoverIp6Filter =
        """
        {"nftables": [{"table": {"family": "ip6", "name": "filter", "handle": 2}},
         {"chain": {"family": "ip6", "table": "filter", "name": "INPUT", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}]}
        """;

    /// <summary>Native tables named after iptables' other tables, of the families that never see IPv4 or never see it as ip.</summary>
    public const string NamesakesOfEveryFamily =
        """
        {"nftables": [{"table": {"family": "inet", "name": "nat", "handle": 1}},
         {"chain": {"family": "inet", "table": "nat", "name": "prerouting", "handle": 1, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}},
         {"table": {"family": "ip6", "name": "nat", "handle": 2}},
         {"chain": {"family": "ip6", "table": "nat", "name": "PREROUTING", "handle": 1, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}},
         {"table": {"family": "bridge", "name": "filter", "handle": 3}},
         {"chain": {"family": "bridge", "table": "filter", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": -200, "policy": "accept"}},
         {"table": {"family": "arp", "name": "filter", "handle": 4}},
         {"chain": {"family": "arp", "table": "filter", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
         {"table": {"family": "netdev", "name": "filter", "handle": 5}},
         {"table": {"family": "inet", "name": "mangle", "handle": 6}},
         {"chain": {"family": "inet", "table": "mangle", "name": "fwd", "handle": 1, "type": "filter", "hook": "forward", "prio": 300, "policy": "accept"}}]}
        """;

    public static TheoryData<string, string> Hosts()
    {
        var data = new TheoryData<string, string>();
        foreach (var dump in new[] { "docker20.10-two-networks.iptables-save", "docker20.10-icc-false.iptables-save", "moby28.0.0-usernet-portmap.iptables-save" })
            foreach (var nft in new[] { nameof(DebianStock), nameof(LeftoverIp6Filter), nameof(NamesakesOfEveryFamily) })
                data.Add(dump, nft);
        return data;
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Empty_accepting_native_tables_change_no_fact_of_the_audit(string dump, string nft)
    {
        var iptables = Docker(dump);
        var merged = HostRuleset.Merge(iptables, Nft(nft));

        var alone = Audit(iptables);
        var beside = Audit(merged);

        Assert.DoesNotContain(beside.Findings, f => f.Code.Code == "DFW201");
        Assert.Equal(Facts(alone), Facts(beside));
        Assert.NotEmpty(beside.Networks);
    }

    [Theory]
    [InlineData(nameof(DebianStock))]
    [InlineData(nameof(LeftoverIp6Filter))]
    public void Both_engines_still_drop_a_packet_between_two_docker_networks(string nft)
    {
        var merged = HostRuleset.Merge(Docker("docker20.10-two-networks.iptables-save"), Nft(nft));
        var across = Tcp("192.0.2.2:40000", "198.51.100.3:22", "bridge1", "bridge2");

        var traced = PacketTracer.Trace(merged, across, PacketPath.Forward);
        var compiled = SymbolicRuleset.Compile(merged);
        var reach = SymbolicEngine.Reach(compiled, PacketPath.Forward, compiled.Space.Universe(PacketPath.Forward));
        var (point, mark) = compiled.Space.PointOf(across);

        Assert.Equal(PacketVerdict.Drop, traced.Verdict);
        Assert.Equal(ReachVerdict.Drop, Assert.Single(reach.Regions, r => r.Packets.Boxes.Any(b => b.Contains(point, mark))).Verdict);
    }

    [Fact]
    public void The_iptables_table_of_a_name_is_never_a_native_namesake()
    {
        var merged = HostRuleset.Merge(Docker("docker20.10-two-networks.iptables-save"), Nft(nameof(DebianStock)));

        Assert.False(merged["filter"]!.IsNative);
        Assert.Contains(merged.Tables, t => t is { IsNative: true, Family: "inet", Name: "filter" });
        Assert.Equal(3, DockerViewInference.Infer(merged).Networks.Length);
    }

    [Fact]
    public void Tables_of_a_family_the_ruleset_never_sees_are_left_out_of_it()
    {
        var nft = Nft(nameof(NamesakesOfEveryFamily));

        var v4 = HostRuleset.Merge(Ruleset.Empty(IpFamily.V4), nft);
        var v6 = HostRuleset.Merge(Ruleset.Empty(IpFamily.V6), nft);

        Assert.Equal(["inet mangle", "inet nat"], v4.Tables.Select(t => $"{t.Family} {t.Name}").Order());
        Assert.Equal(["inet mangle", "inet nat", "ip6 nat"], v6.Tables.Select(t => $"{t.Family} {t.Name}").Order());
    }

    [Fact]
    public void A_base_chain_nft_added_to_iptables_own_table_runs_once_beside_the_chains_iptables_lists()
    {
        // iptables-nft-save lists ip filter without the foreign chain ("contains incompatible base-chains").
        var iptables = AuditFixture.Read("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -o eth9 -j ACCEPT\nCOMMIT\n");
        var nft = NftJsonReader.Read(
            """
            {"nftables": [{"table": {"family": "ip", "name": "filter", "handle": 1}},
             {"chain": {"family": "ip", "table": "filter", "name": "FORWARD", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
             {"chain": {"family": "ip", "table": "filter", "name": "forward", "handle": 3, "type": "filter", "hook": "forward", "prio": 10, "policy": "drop"}},
             {"rule": {"family": "ip", "table": "filter", "chain": "FORWARD", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth9"}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}},
             {"rule": {"family": "ip", "table": "filter", "chain": "forward", "handle": 4, "expr": [{"counter": {"packets": 0, "bytes": 0}}]}}]}
            """, "t").Value!;

        var merged = HostRuleset.Merge(iptables, nft);
        var traced = PacketTracer.Trace(merged, Tcp("10.0.0.1:4000", "10.9.0.1:80", "eth0", "eth9"), PacketPath.Forward);

        Assert.Equal(["forward"], merged.NativeTables.Single().Chains.Select(c => c.Name));
        Assert.Equal(PacketVerdict.Drop, traced.Verdict);
        Assert.Equal("filter/FORWARD#1 ip filter/forward#1", traced.Counted());
    }

    private static string Facts(AuditReport report) => string.Join("\n", [
        .. report.Findings.Select(f => $"{f.Code.Code} {f.Message}"),
        .. report.Networks.Select(n => n.ToString()),
        .. report.Reachability.Select(r => $"{r.From}->{r.To} {r.Verdict} {string.Join(",", r.Flows)}"),
        .. report.PublishedPorts.Select(p => p.ToString()),
    ]);

    private static AuditReport Audit(Ruleset v4) =>
        Auditor.Run(new AuditContext(v4, Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown));

    private static Ruleset Docker(string dump) => AuditFixture.Read(File.ReadAllText(Corpus.PathOf("docker", dump)), dump);

    private static Ruleset Nft(string name)
    {
        var json = (string)typeof(NftTablesBesideIptablesTests).GetField(name)!.GetValue(null)!;
        var read = NftJsonReader.Read(json, name);
        Assert.Empty(read.Diagnostics);
        return read.Value!;
    }
}
