using System.Globalization;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Apply;

/// <summary>
/// A published port restricted to some sources (<c>publish web tcp/8080 from 198.51.100.0/25</c>),
/// with two clients outside: the lab's outside address (allowed) and a second one in the upper half
/// of the link's /24 (not allowed); an IPv6 client outside and a container of another network, which
/// docker-proxy serves. <c>audit --policy</c> and <c>apply</c> are checked against real connections.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class PublishPolicyLabTests
{
    private const string Stranger = "198.51.100.200";
    private const string HostV6 = "2001:db8:51::2";
    private const string ClientV6 = "2001:db8:51::1";

    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public PublishPolicyLabTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void A_source_restriction_bypassed_through_docker_proxy_is_reported_and_refused_until_input_closes_it_then_only_the_allowed_client_connects()
    {
        lab.CreateNetwork("pub", "--subnet", "172.31.43.0/24");
        lab.CreateNetwork("other", "--subnet", "172.31.44.0/24");
        traffic.EchoServer("web", ["--network", "pub", "-p", "8080:80"], 80);
        lab.MustDocker("run", "-d", "--name", "client", "--network", "other", LabDaemon.Image, "sleep", "600");
        var folder = Directory.CreateTempSubdirectory("dfw-lab-publish-").FullName;
        var policy = Path.Combine(folder, "web.policy");
        File.WriteAllText(policy, "publish web tcp/8080 from 198.51.100.0/25\n");
        lab.InOutside("ip", "addr", "add", Stranger + "/24", "dev", "uplink1");
        // ip6tables -I makes the ip6 filter table, which the lab's other scenarios do not expect: removed after.
        var hadIp6Filter = lab.InLab("nft", "list", "table", "ip6", "filter").Ok;
        lab.MustInLab("ip", "addr", "add", HostV6 + "/64", "dev", "uplink0", "nodad");
        lab.InOutside("ip", "addr", "add", ClientV6 + "/64", "dev", "uplink1", "nodad");
        try
        {
            var listening = lab.MustInLab("ss", "-Hltnp");
            var before = PolicyRuns.Audit(lab, policy);
            var trafficBefore = Traffic.All(() => ConnectsFrom(LabDaemon.OutsideAddress), () => ConnectsFrom(Stranger), ConnectsOverIpv6,
                () => traffic.Connects("client", LabDaemon.UplinkAddress, 8080));
            var refused = PolicyRuns.Apply(lab, policy, folder);
            // The remedy the refusal names: the port closed in INPUT but for the allowed sources (and loopback).
            lab.MustInLab("iptables", "-I", "INPUT", "-p", "tcp", "--dport", "8080", "!", "-i", "lo", "-j", "DROP");
            lab.MustInLab("iptables", "-I", "INPUT", "-s", "198.51.100.0/25", "-p", "tcp", "--dport", "8080", "-j", "ACCEPT");
            lab.MustInLab("ip6tables", "-I", "INPUT", "-p", "tcp", "--dport", "8080", "!", "-i", "lo", "-j", "DROP");
            var applied = PolicyRuns.Apply(lab, policy, folder);
            var after = PolicyRuns.Audit(lab, policy);
            var trafficAfter = Traffic.All(() => ConnectsFrom(LabDaemon.OutsideAddress), () => ConnectsFrom(Stranger), ConnectsOverIpv6,
                () => traffic.Connects("client", LabDaemon.UplinkAddress, 8080));

            // dockerd 20.10 with its default userland proxy: docker-proxy on both families, and every probe gets in.
            Assert.Contains("[::]:8080", listening, StringComparison.Ordinal);
            Assert.Contains("\"docker-proxy\"", listening, StringComparison.Ordinal);
            Assert.Equal([true, true, true, true], trafficBefore);
            Assert.True(before.Exit == 1, before.Output);
            var messages = before.Findings("DFW902").Select(f => f.GetProperty("message").GetString()!).ToList();
            Assert.Contains(messages, m => m.Contains(" from 0.0.0.0-198.51.99.255, 198.51.100.128-255.255.255.255: new connections reach 'web'", StringComparison.Ordinal));
            Assert.Contains(messages, m => m.Contains("through docker-proxy on [::]:8080 (INPUT", StringComparison.Ordinal));
            Assert.Contains(messages, m => m.Contains("through docker-proxy on 0.0.0.0:8080, from containers of 'other' by the host's address", StringComparison.Ordinal));
            Assert.True(refused.Exit == 2, refused.Output);
            Assert.Contains("through docker-proxy on [::]:8080", refused.Output, StringComparison.Ordinal);
            Assert.True(applied.Exit == 0, applied.Output);
            Assert.Equal([true, false, false, false], trafficAfter);
            // No policy finding, and no DFW540: the proxy's ways are closed in INPUT.
            Assert.Empty(after.Codes);
            Assert.Empty(after.Findings("DFW540"));
        }
        finally
        {
            lab.InLab("iptables", "-F", "INPUT");
            lab.InLab("ip6tables", "-F", "INPUT");
            if (!hadIp6Filter) lab.InLab("nft", "delete", "table", "ip6", "filter");
            lab.InLab("ip", "addr", "del", HostV6 + "/64", "dev", "uplink0");
            lab.InOutside("ip", "addr", "del", ClientV6 + "/64", "dev", "uplink1");
            lab.InOutside("ip", "addr", "del", Stranger + "/24", "dev", "uplink1");
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>From outside to the lab host's IPv6 address: only docker-proxy's [::] socket answers (Docker writes no ip6tables rule here).</summary>
    private bool ConnectsOverIpv6()
    {
        var word = $"dfw{Random.Shared.Next(100000, 999999)}";
        var run = lab.InOutside("timeout", "4", "sh", "-c", $"echo {word} | nc -w 2 {HostV6} 8080");
        return run.Out.Contains(word, StringComparison.Ordinal);
    }

    /// <summary>A connection from one of the outside namespace's addresses to the published port on the lab host (netcat-openbsd picks the source).</summary>
    private bool ConnectsFrom(string source)
    {
        var word = $"dfw{Random.Shared.Next(100000, 999999)}";
        var run = lab.InOutside("timeout", "4", "sh", "-c",
            $"echo {word} | nc -w 2 -s {source} {LabDaemon.UplinkAddress} {8080.ToString(CultureInfo.InvariantCulture)}");
        return run.Out.Contains(word, StringComparison.Ordinal);
    }
}
