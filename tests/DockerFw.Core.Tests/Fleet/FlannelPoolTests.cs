using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Fleet;
using DockerFw.Core.Host;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// flannel across hosts: each host's pool and lease read from its flanneld rules (the flannel-v0.25
/// dump of Audit/Fabric/Fixtures, written from flannel's source, with each host's lease), against the
/// pool the fleet shares and the other hosts' leases.
/// </summary>
public sealed class FlannelPoolTests
{
    private static string Dump(string pool, string lease) =>
        File.ReadAllText(Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Audit", "Fabric", "Fixtures", "flannel-v0.25.iptables-save"))
            .Replace("10.5.94.0/24", lease, StringComparison.Ordinal).Replace("10.5.0.0/16", pool, StringComparison.Ordinal);

    /// <summary>A host running flannel with a lease (null: no flanneld rules at all) and docker0 on a subnet, with its links.</summary>
    private static HostSummary Host(string name, string? lease, string docker0, string pool = "10.5.0.0/16", params HostLink[] links)
    {
        var text = lease is null ? "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n" : Dump(pool, lease);
        var rules = IptablesSaveReader.Read(text, $"{name}/iptables-save.txt", IpFamily.V4).Value!;
        var network = new DockerNetwork("bridge", "bridge-id", "bridge",
            [new DockerSubnet(AddressMask.TryParse(docker0, IpFamily.V4, out var s) ? s! : throw new ArgumentException(docker0), null)],
            false, true, true, null, null, "docker0", true);
        var loaded = new LoadedHost([rules], null, new DockerView([network], []), DockerViewOrigin.Engine, HostSettings.Unknown, [], []);
        return new FleetHost(name, loaded, [.. links]).Summary();
    }

    private static string[] Codes(params HostSummary[] hosts) => [.. FlannelPools.Find(hosts).Select(f => f.Code.Code).Order(StringComparer.Ordinal)];

    [Fact]
    public void Hosts_on_their_own_leases_of_one_pool_raise_nothing()
    {
        Assert.Empty(Codes(Host("a", "10.5.94.0/24", "10.5.94.0/24"), Host("b", "10.5.7.0/24", "10.5.7.0/24")));
    }

    [Fact]
    public void A_host_whose_docker0_kept_docker_s_default_is_outside_the_pool()
    {
        var finding = Assert.Single(FlannelPools.Find([Host("a", "10.5.94.0/24", "10.5.94.0/24"), Host("b", "10.5.7.0/24", "172.17.0.0/16")]));

        Assert.Equal(("DFW777", "b"), (finding.Code.Code, Assert.Single(finding.Hosts)));
        Assert.StartsWith("b's docker0 is on 172.17.0.0/16, outside the flannel pool 10.5.0.0/16:", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_without_flanneld_is_judged_against_the_fleet_s_pool_too()
    {
        var finding = Assert.Single(FlannelPools.Find([Host("a", "10.5.94.0/24", "10.5.94.0/24"), Host("b", null, "172.17.0.0/16")]));

        Assert.Equal("DFW777", finding.Code.Code);
        Assert.Contains("(b shows no flanneld rules)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_docker0_set_by_hand_on_another_host_s_lease_overlaps_it()
    {
        // c has no flanneld rules; its --bip was copied from a's subnet.env.
        var finding = Assert.Single(FlannelPools.Find([Host("a", "10.5.94.0/24", "10.5.94.0/24"), Host("b", "10.5.7.0/24", "10.5.7.0/24"), Host("c", null, "10.5.94.0/24")]));

        Assert.Equal(("DFW778", "a,c"), (finding.Code.Code, string.Join(",", finding.Hosts)));
    }

    [Fact]
    public void Hosts_of_two_pools_are_named_by_pool()
    {
        var finding = Assert.Single(FlannelPools.Find([Host("a", "10.5.94.0/24", "10.5.94.0/24"), Host("b", "10.6.7.0/24", "10.6.7.0/24", pool: "10.6.0.0/16"), Host("c", "10.5.8.0/24", "10.5.8.0/24")]),
            f => f.Code.Code == "DFW779");

        Assert.Contains("10.5.0.0/16 on a, c; 10.6.0.0/16 on b", finding.Message, StringComparison.Ordinal);
        // b is then outside the fleet's pool (the one most hosts name).
        Assert.Contains(FlannelPools.Find([Host("a", "10.5.94.0/24", "10.5.94.0/24"), Host("b", "10.6.7.0/24", "10.6.7.0/24", pool: "10.6.0.0/16"), Host("c", "10.5.8.0/24", "10.5.8.0/24")]),
            f => f.Code.Code == "DFW777" && f.Hosts.SequenceEqual(["b"]));
    }

    [Fact]
    public void Containers_above_flannel_s_mtu_are_reported_and_flannel_s_mtu_is_its_device_s()
    {
        HostLink Vxlan(int mtu) => new("flannel.1", "vxlan", mtu, null, null, null, 8472);
        HostLink Veth(int mtu) => new("veth1a2b", "veth", mtu, "docker0", null, null, null);

        var finding = Assert.Single(FlannelPools.Find([Host("a", "10.5.94.0/24", "10.5.94.0/24", links: [Vxlan(1450), Veth(1500)])]));
        Assert.Equal("DFW780", finding.Code.Code);
        Assert.Contains("up to 1500 bytes but flannel.1 carries 1450", finding.Message, StringComparison.Ordinal);
        Assert.Empty(FlannelPools.Find([Host("a", "10.5.94.0/24", "10.5.94.0/24", links: [Vxlan(1450), Veth(1450)])]));
    }
}
