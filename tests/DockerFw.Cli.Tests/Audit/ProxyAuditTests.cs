using System.Text.Json;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// <c>--proxies FILE</c>: a saved host's docker-proxy listeners (<c>ss -Hltunp</c> and/or <c>ps</c>),
/// read instead of the ones Docker's view implies, over samples/lab-host.
/// </summary>
public sealed class ProxyAuditTests
{
    private static readonly string LabHost = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private static readonly string[] Inputs =
    [
        "--iptables", Path.Combine(LabHost, "iptables-save"),
        "--ip6tables", Path.Combine(LabHost, "ip6tables-save"),
        "--docker", Path.Combine(LabHost, "docker-networks.json"),
        "--docker", Path.Combine(LabHost, "docker-containers.json"),
        "--policy", Path.Combine(Corpus.RepoRoot, "rules", "published-locally.policy"),
        "--format", "json",
    ];

    [Fact]
    public void A_listing_s_ipv6_proxy_is_judged_for_the_clients_docker_does_not_dnat_and_no_assumption_is_noticed()
    {
        var run = Audit("""
            tcp LISTEN 0 4096 [::]:8080 [::]:* users:(("docker-proxy",pid=12,fd=4))
            12 /usr/sbin/docker-proxy -proto tcp -host-ip :: -host-port 8080 -container-ip 172.30.1.2 -container-port 80
            """);

        Assert.True(run.ExitCode == 1, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var messages = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("message").GetString()!).ToList();
        var proxied = Assert.Single(messages, m => m.Contains("docker-proxy", StringComparison.Ordinal));
        // Docker's ip6tables rules DNAT outside clients to web's IPv6 address; frontend's containers, for which Docker skips its DNAT, get the proxy.
        Assert.StartsWith("tcp/8080 on any address of the host from fd00:d0c:1::-fd00:d0c:1:0:ffff:ffff:ffff:ffff: new connections reach 'web' (80/tcp on 'frontend') through docker-proxy on [::]:8080, from containers of 'frontend' by the host's address (INPUT, ",
            proxied, StringComparison.Ordinal);
        Assert.DoesNotContain(json.RootElement.GetProperty("notices").EnumerateArray(), n => n.GetString()!.Contains("docker-proxy", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_listing_is_a_host_without_docker_proxy()
    {
        var run = Audit("");

        Assert.DoesNotContain("docker-proxy", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_listing_the_listeners_are_assumed_from_docker_s_view_and_the_report_says_so()
    {
        var run = Dockerfw.Run(["audit", .. Inputs]);

        using var json = JsonDocument.Parse(run.Out);
        Assert.Contains(json.RootElement.GetProperty("notices").EnumerateArray(), n => n.GetString()!.StartsWith("docker-proxy listeners were not read", StringComparison.Ordinal));
        Assert.Contains("through docker-proxy on [::]:8080", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_listing_is_exit_2_with_its_line_and_live_mode_refuses_the_option()
    {
        var bad = Audit("not a listing\n");
        var live = Dockerfw.Run("audit", "--proxies", "x.txt");

        Assert.Equal(2, bad.ExitCode);
        Assert.Contains(":1:1: error: expected a line of 'ss -Hltunp' or of 'ps -ww -o pid=,args=', but got 'not a listing' [DFW190]", bad.Error, StringComparison.Ordinal);
        Assert.Equal(3, live.ExitCode);
        Assert.Contains("--proxies describes a saved host", live.Error, StringComparison.Ordinal);
    }

    private static CliRun Audit(string listing)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, listing);
            return Dockerfw.Run(["audit", .. Inputs, "--proxies", file]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
