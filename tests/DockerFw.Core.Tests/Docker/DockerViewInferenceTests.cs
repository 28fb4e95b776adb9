using System.Text.Json;
using DockerFw.Core.Docker;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Docker;

public sealed class DockerViewInferenceTests
{
    [Theory]
    [MemberData(nameof(Corpus.DockerIptablesDumps), MemberType = typeof(Corpus))]
    public void The_bridges_and_subnets_a_dump_encodes_are_the_ones_its_scenario_created(string dump)
    {
        var (view, expect) = Load(dump);
        var bridges = expect.GetProperty("bridges");

        Assert.Equal(
            bridges.EnumerateObject().Select(b => b.Name).Order(),
            view.Networks.Select(n => n.Bridge!).Order());
        foreach (var bridge in bridges.EnumerateObject())
        {
            var network = view.NetworkByBridge(bridge.Name)!;
            var subnet = bridge.Value.GetProperty("subnet");
            Assert.Equal(subnet.ValueKind == JsonValueKind.Null ? null : subnet.GetString(), network.Subnets.FirstOrDefault()?.Network.ToString());
            Assert.Equal(bridge.Value.GetProperty("internal").GetBoolean(), network.Internal);
            Assert.Equal(bridge.Value.GetProperty("gateway_mode").GetString(), network.GatewayModeIpv4);
        }
    }

    [Theory]
    [MemberData(nameof(Corpus.DockerIptablesDumps), MemberType = typeof(Corpus))]
    public void Published_ports_are_recovered_from_the_DNAT_rules_and_a_routed_network_s_port_accepts(string dump)
    {
        var (view, expect) = Load(dump);
        // A routed network's port has no host side (host_port null): Docker opens the container port itself.
        var expected = expect.GetProperty("published_ports").EnumerateArray()
            .Where(p => p.GetProperty("host_port").ValueKind == JsonValueKind.Null
                ? expect.GetProperty("bridges").GetProperty(p.GetProperty("bridge").GetString()!).GetProperty("gateway_mode").GetString() == "routed"
                : !p.TryGetProperty("dnat", out var d) || d.GetBoolean())
            .Select(p => $"{p.GetProperty("proto").GetString()} {p.GetProperty("host_ip").GetString()}:{(p.GetProperty("host_port").ValueKind == JsonValueKind.Null ? "" : p.GetProperty("host_port").GetInt32())} -> {p.GetProperty("container_ip").GetString()}:{p.GetProperty("container_port").GetInt32()}")
            .Order();
        var actual = view.Containers.SelectMany(c => c.Ports.Select(p => $"{p.Protocol} {p.HostIp}:{p.HostPort} -> {c.Name}:{p.ContainerPort}")).Distinct().Order();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_port_ip6tables_publishes_without_an_address_is_bound_to_every_IPv6_address()
    {
        var read = IptablesSaveReader.Read("""
            *nat
            :PREROUTING ACCEPT [0:0]
            :DOCKER - [0:0]
            -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
            -A DOCKER ! -i br0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:d0c:1::2]:80
            -A DOCKER -d 2001:db8::5/128 ! -i br0 -p tcp -m tcp --dport 8443 -j DNAT --to-destination [fd00:d0c:1::2]:443
            COMMIT

            """, "fixture.ip6tables-save", Core.Model.Values.IpFamily.V6);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));

        var ports = DockerViewInference.Infer(read.Value!).Containers.Single().Ports;

        Assert.Equal(["::", "2001:db8::5"], ports.OrderBy(p => p.HostPort).Select(p => p.HostIp));
    }

    [Fact]
    public void An_admins_rule_in_a_chain_of_dockers_that_names_an_interface_beside_a_port_makes_no_bridge_of_it()
    {
        // moby 28.5's swarm host with an admin's drop of the ingress port on eth0 in DOCKER-INGRESS: eth0
        // was read as a Docker network, so the audit's outside left it out and called the port open.
        var path = Corpus.PathOf("docker", "moby28.5-swarm-portmap.iptables-save");
        var text = File.ReadAllText(path).Replace("-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT",
            "-A DOCKER-INGRESS -i eth0 -p tcp -m tcp --dport 8080 -j DROP\n-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT", StringComparison.Ordinal);
        var read = IptablesSaveReader.Read(text, path);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));

        var view = DockerViewInference.Infer(read.Value!);

        Assert.Equal(["docker0", "docker_gwbridge"], view.Networks.Select(n => n.Bridge!).Order());
        var ingress = Assert.Single(Core.Audit.Auditor.Run(new Core.Audit.AuditContext(read.Value!, Core.Model.Ruleset.Empty(Core.Model.Values.IpFamily.V6), view,
            Core.Audit.HostSettings.Unknown)).Overlay!.IngressPorts);
        Assert.Equal(("partial", "any interface but eth0"), (ingress.Verdict, ingress.Partial?.Interfaces));
    }

    private static (DockerView View, JsonElement Expect) Load(string dump)
    {
        var path = Corpus.PathOf("docker", dump);
        var read = IptablesSaveReader.Read(File.ReadAllText(path), path);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return (DockerViewInference.Infer(read.Value!), Corpus.ExpectOf(path));
    }
}
