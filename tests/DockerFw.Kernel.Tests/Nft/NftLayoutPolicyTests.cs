using System.Text.Json;
using System.Text.Json.Nodes;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Every Docker 29 nftables layout of the corpus (<c>moby29-nftables-*.nft</c>) loaded with
/// <c>nft -f</c> into a namespace with its bridges made real, two container namespaces on each
/// (.10 and .11, .11 listening on tcp/80) and a Docker JSON naming them: the policy "icc off on
/// every network" is planned, proved, applied and removed there, and real connections say whether
/// the kernel agrees. Where Docker's table opens one network to the others by design (a routed
/// bridge answers ICMP from anywhere, a nat-unprotected one everything), the policy's isolation is
/// not what the host does: the plan drops between those networks (it closes what the rules let
/// through and the policy blocks, oracle F23), and real connections across them fail too.
/// </summary>
public sealed class NftLayoutPolicyTests
{
    // The subnets the corpus README gives each scenario's bridges (a dump does not always show them).
    private static readonly Dictionary<string, string> Subnets = new()
    {
        ["docker0"] = "172.17.0",
        ["bridge1"] = "192.0.2",
        ["bridgeICC"] = "192.0.2",
        ["bridgeNoICC"] = "198.51.100",
        ["br-dummy"] = "192.168.0",
    };

    public static TheoryData<string> Layouts() =>
        [.. Corpus.Files("docker", "moby29-nftables-*.nft").Select(f => Path.GetFileName(f))];

    [KernelTheory]
    [MemberData(nameof(Layouts))]
    public void Icc_off_everywhere_holds_for_real_connections_and_remove_restores_the_ruleset_or_the_proof_says_why_not(string layout)
    {
        using var expect = JsonDocument.Parse(File.ReadAllText(Corpus.PathOf("docker", Path.ChangeExtension(layout, ".expect.json"))));
        var networks = expect.RootElement.GetProperty("bridges").EnumerateObject()
            .Select((b, i) => (Name: b.Name, Index: i, Internal: b.Value.GetProperty("internal").GetBoolean(), Icc: b.Value.GetProperty("icc").GetBoolean(),
                Open: b.Value.GetProperty("gateway_mode").GetString() is "routed" or "nat-unprotected"))
            .ToList();
        var opened = networks.Count > 1 && networks.Any(n => n.Open);
        var bridges = networks.Select(n => new NftBridge(n.Name, $"{Subnets[n.Name]}.1/24",
            [($"a{n.Index}", $"{Subnets[n.Name]}.10", []), ($"b{n.Index}", $"{Subnets[n.Name]}.11", ["80"])])).ToList();
        var folder = Directory.CreateTempSubdirectory("dfw-nftl-").FullName;
        try
        {
            var docker = Path.Combine(folder, "docker.json");
            File.WriteAllText(docker, DockerJson(networks.Select(n => (n.Name, n.Index, n.Internal, n.Icc))));
            using var host = new NftHost(layout, bridges, docker);
            var before = host.Ruleset();
            foreach (var n in networks)
                Assert.True(host.Connects($"a{n.Index}", $"{Subnets[n.Name]}.11", 80) == n.Icc, $"{layout}: before, {n.Name} connects inside iff Docker runs icc");

            var policy = host.Policy(string.Concat(networks.Select(n => $"network {n.Name} {{ icc off }}\n")));
            var applied = host.Dockerfw("", "apply", "--policy", policy, "--yes", "--backup-dir", host.Backups);

            Assert.True(applied.ExitCode == 0, $"{layout}: {applied.Error}");
            foreach (var n in networks)
                Assert.False(host.Connects($"a{n.Index}", $"{Subnets[n.Name]}.11", 80), $"{layout}: after, {n.Name} does not connect inside");
            if (opened)
                foreach (var (n, m) in networks.SelectMany(n => networks.Where(m => m.Name != n.Name && Subnets[m.Name] != Subnets[n.Name]).Select(m => (n, m))))
                    Assert.False(host.Connects($"a{n.Index}", $"{Subnets[m.Name]}.11", 80), $"{layout}: after, {n.Name} does not connect to {m.Name}");
            var removed = host.Dockerfw("", "apply", "--remove", "--yes", "--backup-dir", host.Backups);
            Assert.True(removed.ExitCode == 0, $"{layout}: {removed.Error}");
            Assert.Equal(Uncounted(before), Uncounted(host.Ruleset()));
            foreach (var n in networks)
                Assert.True(host.Connects($"a{n.Index}", $"{Subnets[n.Name]}.11", 80) == n.Icc, $"{layout}: after --remove, {n.Name} is as Docker made it");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary><c>docker inspect</c> JSON: each bridge a network of that name, with containers a and b at .10 and .11.</summary>
    private static string DockerJson(IEnumerable<(string Name, int Index, bool Internal, bool Icc)> networks)
    {
        var items = new JsonArray();
        foreach (var (name, index, @internal, icc) in networks)
        {
            var id = $"{index + 1:x2}".PadRight(64, 'e');
            items.Add(new JsonObject
            {
                ["Name"] = name,
                ["Id"] = id,
                ["Driver"] = "bridge",
                ["Internal"] = @internal,
                ["IPAM"] = new JsonObject { ["Config"] = new JsonArray(new JsonObject { ["Subnet"] = $"{Subnets[name]}.0/24", ["Gateway"] = $"{Subnets[name]}.1" }) },
                ["Options"] = new JsonObject { ["com.docker.network.bridge.name"] = name, ["com.docker.network.bridge.enable_icc"] = icc ? "true" : "false" },
            });
            foreach (var (label, host) in new[] { ("a", 10), ("b", 11) })
                items.Add(new JsonObject
                {
                    ["Name"] = $"/{label}{index}",
                    ["Id"] = $"{label}{index:x2}".PadRight(64, 'c'),
                    ["State"] = new JsonObject { ["Running"] = true },
                    ["HostConfig"] = new JsonObject { ["NetworkMode"] = name },
                    ["NetworkSettings"] = new JsonObject
                    {
                        ["Networks"] = new JsonObject { [name] = new JsonObject { ["NetworkID"] = id, ["IPAddress"] = $"{Subnets[name]}.{host}" } },
                    },
                });
        }

        return items.ToJsonString();
    }

    private static string Uncounted(string listing) =>
        System.Text.RegularExpressions.Regex.Replace(listing, @"counter packets \d+ bytes \d+", "counter");
}
