using System.Text.Json;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// A connection opens with a SYN; conntrack takes a bare ACK for NEW too (nf_conntrack_tcp_loose),
/// but nothing opens from it. A guard of the host's own inside bridge1 (Docker 29's nftables host:
/// web, api and db, web and api listening on 80) that drops every SYN and everything that is not TCP
/// lets NEW+ACK through and no connection at all: the questions that mean "a connection" (the
/// container matrix, icc, the policy's pairs) must say none opens, where asking every NEW packet
/// said a TCP connection (oracle F32).
/// </summary>
public sealed class OpeningKernelTests
{
    private const string Guard = """
        table ip synguard {
            chain forward {
                type filter hook forward priority -1; policy accept;
                iifname "bridge1" oifname "bridge1" meta l4proto != tcp drop
                iifname "bridge1" oifname "bridge1" tcp flags & (fin | syn | rst | ack) == syn drop
            }
        }
        """;

    [KernelFact]
    public void Where_only_TCP_that_is_no_SYN_passes_inside_a_bridge_no_connection_is_claimed_between_its_containers()
    {
        using var host = new NftHost("moby29-nftables-usernet-portmap.nft");
        Assert.True(host.Connects("db", NftHost.Web, 80), "Docker's icc lets db reach web");

        host.Nft(Guard);

        Assert.False(host.Connects("db", NftHost.Web, 80), "no SYN passes: db cannot reach web");
        Assert.False(host.Connects("web", NftHost.Api, 80), "nor web api");
        var audit = JsonDocument.Parse(host.Dockerfw("", "audit", "--format", "json", "--containers", "--policy", host.Policy("network backend { icc off }\n")).Out).RootElement;
        var backend = audit.GetProperty("networks").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "backend");
        Assert.Equal("False", backend.GetProperty("icc").GetProperty("effective").ToString());
        foreach (var (from, to) in new[] { (NftHost.Db, NftHost.Web), (NftHost.Web, NftHost.Api), (NftHost.Api, NftHost.Db) })
            Assert.Equal("denied", audit.GetProperty("containers_reachability").EnumerateArray()
                .Single(e => e.GetProperty("from_address").GetString() == from && e.GetProperty("to_address").GetString() == to).GetProperty("verdict").GetString());
        // The policy's icc off holds for real connections: no pair the policy forbids gets through (DFW902).
        Assert.DoesNotContain(audit.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() is "DFW902" or "DFW901");
    }

    [KernelFact]
    public void A_bare_SYN_dropped_toward_a_container_closes_connections_to_it_and_none_from_it()
    {
        using var host = new NftHost("moby29-nftables-usernet-portmap.nft");

        // Stateless, as an admin writes it: no SYN to api. api's replies to web (SYN,ACK, then ACK) are no bare SYN.
        host.Nft("""
            table ip synguard {
                chain forward {
                    type filter hook forward priority -1; policy accept;
                    ip daddr 192.0.2.3 tcp flags & (fin | syn | rst | ack) == syn drop
                }
            }
            """);

        Assert.True(host.Connects("api", NftHost.Web, 80), "api opens to web: web's answers are no bare SYN");
        Assert.False(host.Connects("web", NftHost.Api, 80), "web's SYN to api is dropped");
        var audit = JsonDocument.Parse(host.Dockerfw("", "audit", "--format", "json", "--containers").Out).RootElement;
        JsonElement Entry(string from, string to) => audit.GetProperty("containers_reachability").EnumerateArray()
            .Single(e => e.GetProperty("from_address").GetString() == from && e.GetProperty("to_address").GetString() == to);
        Assert.Equal("allowed", Entry(NftHost.Api, NftHost.Web).GetProperty("verdict").GetString());
        var toApi = Entry(NftHost.Web, NftHost.Api);
        Assert.Equal("partial", toApi.GetProperty("verdict").GetString());
        Assert.DoesNotContain(toApi.GetProperty("flows").EnumerateArray(), f => f.GetProperty("protocol").GetString() is { } p && !p.StartsWith("all", StringComparison.Ordinal) && p.Split(',').Contains("tcp"));
    }
}
