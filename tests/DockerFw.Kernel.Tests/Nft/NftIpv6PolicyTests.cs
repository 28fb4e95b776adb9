using System.Text.Json.Nodes;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// A dual-stack Docker 29 nftables host: the corpus layout (<c>ip docker-bridges</c>) and the same
/// layout in IPv6 words (<c>ip6 docker-bridges</c>, which docker-rules.md §5 says has the same shape;
/// the corpus has only the IPv4 half), bridge1 with 192.0.2.0/24 and fd00:2::/64. One <c>nft -f</c>
/// installs both of dockerfw's tables, and real connections over IPv4 and IPv6 agree with the policy.
/// </summary>
public sealed class NftIpv6PolicyTests
{
    private const string Layout = "moby29-nftables-usernet-portmap.nft";

    [KernelFact]
    public void One_script_holds_both_families_and_the_policy_holds_over_ipv4_and_ipv6_until_it_is_removed()
    {
        var endpoints = new (string Label, string Address, string[] Ports)[] { ("web", NftHost.Web, ["80"]), ("api", NftHost.Api, ["80"]), ("db", NftHost.Db, []) };
        var folder = Directory.CreateTempSubdirectory("dfw-nft6-").FullName;
        try
        {
            var docker = Path.Combine(folder, "docker.json");
            File.WriteAllText(docker, DualStack(File.ReadAllText(NftHost.DockerJson)));
            using var host = new NftHost(Layout, [new NftBridge("bridge1", "192.0.2.1/24", endpoints)], docker);
            host.AddIpv6("bridge1", "fd00:2::1/64", [("web", "fd00:2::2", ["80"]), ("api", "fd00:2::3", ["80"]), ("db", "fd00:2::4", [])], InIpv6(File.ReadAllText(Corpus.PathOf("docker", Layout))));
            var before = host.Ruleset();
            Assert.True(host.Connects("db", "fd00:2::2", 80), "before the policy Docker's icc lets db reach web over IPv6");

            var policy = host.Policy("network backend { icc off; allow api -> web tcp/80 }\n");
            var plan = host.Dockerfw("", "plan", "--policy", policy);
            var applied = host.Dockerfw("", "apply", "--policy", policy, "--yes", "--backup-dir", host.Backups);

            Assert.True(plan.ExitCode == 0, plan.Error);
            Assert.Contains("table ip dockerfw {", plan.Out, StringComparison.Ordinal);
            Assert.Contains("table ip6 dockerfw {", plan.Out, StringComparison.Ordinal);
            Assert.Contains("ip6 saddr fd00:2::3 ip6 daddr fd00:2::2 iifname \"bridge1\" oifname \"bridge1\" tcp dport 80 accept", plan.Out, StringComparison.Ordinal);
            Assert.True(applied.ExitCode == 0, applied.Error);
            foreach (var (web, api, db) in new[] { (NftHost.Web, NftHost.Api, NftHost.Db), ("fd00:2::2", "fd00:2::3", "fd00:2::4") })
            {
                Assert.True(host.Connects("api", web, 80), $"api -> web {web} tcp/80 is allowed");
                Assert.False(host.Connects("db", web, 80), $"db -> web {web} is not");
                Assert.False(host.Connects("web", api, 80), $"web -> api {api} is not");
            }

            var removed = host.Dockerfw("", "apply", "--remove", "--yes", "--backup-dir", host.Backups);
            Assert.True(removed.ExitCode == 0, removed.Error);
            Assert.Equal(Uncounted(before), Uncounted(host.Ruleset()));
            Assert.True(host.Connects("db", "fd00:2::2", 80), "after --remove Docker's icc is back over IPv6");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The layout's table in IPv6 words: the same chains and rules, bridge1 at fd00:2::/64, docker0 at fd00:17::/64.</summary>
    internal static string InIpv6(string layout) => layout
        .Replace("hook output priority dstnat", "hook output priority -100", StringComparison.Ordinal)
        .Replace("table ip docker-bridges", "table ip6 docker-bridges", StringComparison.Ordinal)
        .Replace("ip daddr != 127.0.0.0/8", "ip6 daddr != ::1", StringComparison.Ordinal)
        .Replace("dnat to 192.0.2.2:80", "dnat to [fd00:2::2]:80", StringComparison.Ordinal)
        .Replace("ip daddr 192.0.2.2", "ip6 daddr fd00:2::2", StringComparison.Ordinal)
        .Replace("ip saddr 192.0.2.0/24", "ip6 saddr fd00:2::/64", StringComparison.Ordinal)
        .Replace("ip saddr 172.17.0.0/16", "ip6 saddr fd00:17::/64", StringComparison.Ordinal);

    /// <summary>The fixture with IPv6 on backend: its subnet, and each of its containers' address.</summary>
    internal static string DualStack(string json)
    {
        var items = JsonNode.Parse(json)!.AsArray();
        foreach (var item in items.OfType<JsonObject>())
        {
            if (item["Name"]?.GetValue<string>() == "backend")
            {
                item["EnableIPv6"] = true;
                item["IPAM"]!["Config"]!.AsArray().Add(new JsonObject { ["Subnet"] = "fd00:2::/64", ["Gateway"] = "fd00:2::1" });
            }

            if (item["NetworkSettings"]?["Networks"]?["backend"] is JsonObject endpoint)
                endpoint["GlobalIPv6Address"] = endpoint["IPAddress"]!.GetValue<string>().Replace("192.0.2.", "fd00:2::", StringComparison.Ordinal);
        }

        return items.ToJsonString();
    }

    private static string Uncounted(string listing) =>
        System.Text.RegularExpressions.Regex.Replace(listing, @"counter packets \d+ bytes \d+", "counter");
}
