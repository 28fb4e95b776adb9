using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests;

/// <summary>
/// `dockerfw trace` without --hook or --out routes the packet as the kernel does: after PREROUTING's
/// DNAT, by the host's routes (here the connected subnets of --host-address and Docker's bridges,
/// or a --routes listing). Capture: port 8080 published to 172.17.0.2:80 on docker0.
/// </summary>
public sealed class TraceRoutingTests
{
    private static readonly string Docker = Corpus.PathOf("docker", "docker20.10-default-bridge-ports.iptables-save");

    private static CliRun Trace(int port, params string[] extra) => Dockerfw.Run([
        "trace", "--iptables", Docker, "--src", "203.0.113.50", "--dst", "10.0.2.15", "--proto", "tcp", "--sport", "40000", "--dport", port.ToString(),
        "--host-address", "eth0=10.0.2.15/24", "--host-address", "docker0=172.17.0.1/16", .. extra]);

    [Fact]
    public void A_packet_to_a_published_port_is_forwarded_out_of_the_bridge_its_dnat_destination_is_on()
    {
        var run = Trace(8080, "--in", "eth0");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("verdict: ACCEPT\npath: FORWARD\nroute: forwarded (FORWARD), in eth0, out docker0 by route 172.17.0.0/16 dev docker0 table main\n", run.Out);
    }

    [Fact]
    public void A_packet_to_an_unpublished_port_of_the_host_s_address_is_delivered_locally()
    {
        var run = Trace(22, "--in", "eth0");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("path: INPUT\nroute: delivered to this host (INPUT), in eth0 by route local 10.0.2.15/32 dev eth0 table local\n", run.Out);
    }

    [Fact]
    public void A_packet_from_the_host_s_own_address_is_sent_on_output_by_the_route_to_its_destination()
    {
        var run = Dockerfw.Run([
            "trace", "--iptables", Docker, "--src", "10.0.2.15", "--dst", "172.17.0.2", "--proto", "tcp", "--dport", "80",
            "--host-address", "eth0=10.0.2.15/24", "--host-address", "docker0=172.17.0.1/16"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("path: OUTPUT\nroute: sent by this host (OUTPUT), out docker0 by route 172.17.0.0/16 dev docker0 table main\n", run.Out);
    }

    [Fact]
    public void A_routes_listing_decides_the_input_interface_and_an_unroutable_destination_is_dropped_by_routing()
    {
        var routes = Path.Combine(Path.GetTempPath(), $"dfw-routes-{Environment.ProcessId}.json");
        File.WriteAllText(routes, """
            [{"dst":"default","gateway":"10.0.2.2","dev":"eth0"},{"dst":"10.0.2.0/24","dev":"eth0","prefsrc":"10.0.2.15"},
             {"dst":"172.17.0.0/16","dev":"docker0","prefsrc":"172.17.0.1"},{"type":"blackhole","dst":"198.51.100.0/24"},
             {"type":"local","dst":"10.0.2.15","dev":"eth0","table":"local"},{"type":"local","dst":"172.17.0.1","dev":"docker0","table":"local"}]
            """);
        var forwarded = Dockerfw.Run(["trace", "--iptables", Docker, "--routes", routes, "--src", "203.0.113.50", "--dst", "10.0.2.15", "--proto", "tcp", "--dport", "8080"]);
        var blackholed = Dockerfw.Run(["trace", "--iptables", Docker, "--routes", routes, "--src", "172.17.0.2", "--dst", "198.51.100.7", "--proto", "tcp", "--dport", "80"]);
        File.Delete(routes);

        Assert.True(forwarded.ExitCode == 0, forwarded.ToString());
        Assert.StartsWith("verdict: ACCEPT\npath: FORWARD\nroute: forwarded (FORWARD), in eth0, out docker0 by route 172.17.0.0/16 dev docker0 table main\n", forwarded.Out);
        Assert.Equal("verdict: DROP\nroute: dropped by routing by route unroutable 198.51.100.0/24 table main\n", blackholed.Out);
    }

    [Fact]
    public void Src_and_dst_may_name_containers_of_docker_s_view()
    {
        var lab = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");
        var run = Dockerfw.Run(["trace", "--iptables", Path.Combine(lab, "iptables-save"), "--docker", Path.Combine(lab, "docker-networks.json"),
            "--docker", Path.Combine(lab, "docker-containers.json"), "--src", "web", "--dst", "db", "--proto", "tcp", "--dport", "5432"]);
        var network = Dockerfw.Run(["trace", "--iptables", Path.Combine(lab, "iptables-save"), "--docker", Path.Combine(lab, "docker-networks.json"),
            "--src", "172.30.1.2", "--dst", "frontend", "--proto", "tcp"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        // web (172.30.1.2 on frontend) to db (172.30.2.2 on backend): another bridge, which isolation drops.
        Assert.StartsWith("verdict: DROP\npath: FORWARD\nroute: forwarded (FORWARD), in br-e727bbbf1ba4, out br-9c93ba76092b", run.Out);
        Assert.Equal(2, network.ExitCode);
        Assert.Equal("dockerfw: error: --dst: frontend is a network, which holds many addresses: name a container, or ask reach\n", network.Error);
    }
}
