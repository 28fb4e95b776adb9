using System.Text.Json;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Real IPv6 between containers of one bridge (bridge1, fd00:2::/64: web ::2 and api ::3 listening on
/// 80, db ::4; br_netfilter on) against the container matrix, with a table of the host's own that
/// drops some of the neighbour discovery the bridge forwards (as ufw's IPv6 FORWARD drops all of it,
/// oracle F26). Each step flushes the containers' neighbour caches, so every connection must find its
/// peer's link again through the rules in force.
/// </summary>
public sealed class NeighbourDiscoveryKernelTests
{
    private const string Layout = "moby29-nftables-usernet-portmap.nft";

    [KernelFact]
    public void A_pair_is_denied_exactly_when_the_kernel_can_not_find_the_servers_link_and_uncertain_when_only_the_way_back_is_cut()
    {
        var folder = Directory.CreateTempSubdirectory("dfw-nd6-").FullName;
        try
        {
            var docker = Path.Combine(folder, "docker.json");
            File.WriteAllText(docker, NftIpv6PolicyTests.DualStack(File.ReadAllText(NftHost.DockerJson)));
            using var host = new NftHost(Layout, [new NftBridge("bridge1", "192.0.2.1/24", [("web", NftHost.Web, ["80"]), ("api", NftHost.Api, ["80"]), ("db", NftHost.Db, [])])], docker);
            host.AddIpv6("bridge1", "fd00:2::1/64", [("web", "fd00:2::2", ["80"]), ("api", "fd00:2::3", ["80"]), ("db", "fd00:2::4", [])], NftIpv6PolicyTests.InIpv6(File.ReadAllText(Corpus.PathOf("docker", Layout))));

            Assert.True(host.Connects("db", "fd00:2::2", 80), "Docker's icc lets db reach web over IPv6");
            Assert.Equal("allowed", Verdict(host, "fd00:2::4", "fd00:2::2"));

            // Every advertisement inside the bridge dropped: db never learns web's link address.
            Cut(host, "icmpv6 type nd-neighbor-advert drop");
            Assert.False(host.Connects("db", "fd00:2::2", 80), "without advertisements db cannot reach web");
            Assert.Equal("denied", Verdict(host, "fd00:2::4", "fd00:2::2"));
            Assert.Equal("allowed", Verdict(host, NftHost.Db, NftHost.Web));

            // web's own solicitations dropped: db still finds web, and web answers through the entry
            // db's solicitation left (RFC 4861 7.2.3) without soliciting: the connection is made, which
            // the matrix may only call possible (unicast NUD probes would die later). web itself never finds api.
            Cut(host, "ip6 saddr fd00:2::2 icmpv6 type nd-neighbor-solicit drop");
            Assert.True(host.Connects("db", "fd00:2::2", 80), "web answers db through the entry db's solicitation left");
            Assert.Equal("partial (possible)", Verdict(host, "fd00:2::4", "fd00:2::2"));
            Assert.False(host.Connects("web", "fd00:2::3", 80), "web cannot solicit api");
            Assert.Equal("denied", Verdict(host, "fd00:2::2", "fd00:2::3"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Replaces the host's own cutting table by one rule inside bridge1, and forgets every neighbour.</summary>
    private static void Cut(NftHost host, string rule)
    {
        host.Nft($$"""
            table ip6 ndcut { }
            delete table ip6 ndcut
            table ip6 ndcut {
                chain forward {
                    type filter hook forward priority 0; policy accept;
                    iifname "bridge1" oifname "bridge1" {{rule}}
                }
            }
            """);
        foreach (var label in new[] { "web", "api", "db" })
            Processes.Must("ip", "-n", host.Ns(label), "-6", "neigh", "flush", "dev", "eth0");
        Processes.Must("ip", "-n", host.Host, "-6", "neigh", "flush", "dev", "bridge1");
    }

    /// <summary>The container matrix's verdict for one pair of addresses, "(possible)" when every flow only may pass.</summary>
    private static string Verdict(NftHost host, string from, string to)
    {
        var audit = host.Dockerfw("", "audit", "--format", "json", "--containers");
        var entry = JsonDocument.Parse(audit.Out).RootElement.GetProperty("containers_reachability").EnumerateArray()
            .Single(e => e.GetProperty("from_address").GetString() == from && e.GetProperty("to_address").GetString() == to);
        var verdict = entry.GetProperty("verdict").GetString()!;
        var flows = entry.GetProperty("flows").EnumerateArray().ToList();
        return flows.Count > 0 && flows.All(f => f.GetProperty("possible").GetBoolean()) ? $"{verdict} (possible)" : verdict;
    }
}
