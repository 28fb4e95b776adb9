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

    [Fact]
    public void An_admins_rule_of_dockers_own_shape_in_DOCKER_FORWARD_makes_no_bridge_of_its_interface()
    {
        // 28.x writes DOCKER-FORWARD's -i BR -j ACCEPT for a bridge beside its replies' accept, its jump to
        // DOCKER, its isolation stages, DOCKER's drop and nat's RETURN and masquerade: here one rule alone
        // names eth0. Inserted first, it lets what comes in on eth0 reach docker0's containers.
        var ruleset = Edited("moby28.5-default.iptables-save", ("-A DOCKER-FORWARD -j DOCKER-CT", "-A DOCKER-FORWARD -i eth0 -j ACCEPT"));

        var view = DockerViewInference.Infer(ruleset);

        Assert.Equal(["docker0"], view.Networks.Select(n => n.Bridge!));
        Assert.Empty(view.InferenceDoubts);
        // eth0 is the outside's: the audit sees docker0's unpublished ports reached from it.
        var report = Audit(ruleset);
        Assert.Equal(["docker0"], report.Networks.Select(n => n.Bridge));
        Assert.Contains(report.Findings, f => f.Code == Core.Audit.FindingCodes.UnpublishedPortsReachable && f.Networks.Contains("docker0"));
    }

    [Theory]
    [InlineData("-A FORWARD -j DOCKER-USER", "-A FORWARD -i eth0 ! -o eth0 -j ACCEPT")]
    [InlineData("-A FORWARD -j DOCKER-USER", "-A FORWARD -i eth0 -o eth0 -j ACCEPT")]
    [InlineData("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", "-A POSTROUTING -s 10.8.0.0/24 ! -o eth0 -j MASQUERADE")]
    [InlineData("-A DOCKER -i docker0 -j RETURN", "-A DOCKER -i eth0 -j RETURN")]
    public void An_admins_rule_of_the_shape_docker_27_writes_for_a_bridge_makes_no_bridge_of_its_interface(string before, string admin)
    {
        // Up to 27 Docker writes eight rules for a bridge (FORWARD's four, the two isolation stages, nat's
        // RETURN and masquerade); one of them alone is an admin's.
        var view = DockerViewInference.Infer(Edited("docker20.10-default.iptables-save", (before, admin)));

        Assert.Equal(["docker0"], view.Networks.Select(n => n.Bridge!));
        Assert.Empty(view.InferenceDoubts);
    }

    [Theory]
    [InlineData("docker20.10-internal.iptables-save", "bridgeNoICC", "198.51.100.0/24", false)]
    [InlineData("moby28.5-internal.iptables-save", "bridgeICC", "192.0.2.0/24", true)]
    [InlineData("moby29-unit-internal-icc-false.iptables-save", "br-dummy", "192.168.0.0/24", false)]
    public void An_internal_network_whose_two_drops_and_icc_rule_are_all_docker_writes_for_it_is_a_bridge(string dump, string bridge, string subnet, bool icc)
    {
        var network = DockerViewInference.Infer(Edited(dump)).NetworkByBridge(bridge);

        Assert.NotNull(network);
        Assert.Equal((true, subnet, icc), (network.Internal, network.Subnets.Single().Network.ToString(), network.EnableIcc));
    }

    [Fact]
    public void An_internal_networks_ip6tables_drops_which_name_the_bridge_both_ways_make_it_a_bridge_as_well()
    {
        var read = IptablesSaveReader.Read("""
            *filter
            :FORWARD DROP [0:0]
            :DOCKER-BRIDGE - [0:0]
            :DOCKER-CT - [0:0]
            :DOCKER-FORWARD - [0:0]
            :DOCKER-INTERNAL - [0:0]
            -A FORWARD -j DOCKER-FORWARD
            -A DOCKER-FORWARD -j DOCKER-CT
            -A DOCKER-FORWARD -j DOCKER-INTERNAL
            -A DOCKER-FORWARD -j DOCKER-BRIDGE
            -A DOCKER-FORWARD -i br-int -o br-int -j ACCEPT
            -A DOCKER-INTERNAL ! -s fd00:1::/64 ! -i br-int -o br-int -j DROP
            -A DOCKER-INTERNAL ! -d fd00:1::/64 -i br-int ! -o br-int -j DROP
            COMMIT

            """, "fixture.ip6tables-save", Core.Model.Values.IpFamily.V6);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));

        var network = Assert.Single(DockerViewInference.Infer(read.Value!).Networks);

        Assert.Equal(("br-int", true, "fd00:1::/64"), (network.Bridge, network.Internal, network.Subnets.Single().Network.ToString()));
    }

    [Fact]
    public void An_interface_too_few_of_dockers_bridge_rules_name_is_read_as_outside_and_the_report_says_so()
    {
        // A WireGuard server's forwarding and masquerade of its clients have two of the shapes Docker
        // writes for a bridge; Docker writes at least three for each, so wg0 is outside, with a doubt.
        var ruleset = Edited("docker20.10-default.iptables-save",
            ("-A FORWARD -j DOCKER-USER", "-A FORWARD -i wg0 ! -o wg0 -j ACCEPT"),
            ("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", "-A POSTROUTING -s 10.8.0.0/24 ! -o wg0 -j MASQUERADE"));

        var view = DockerViewInference.Infer(ruleset);

        Assert.Equal(["docker0"], view.Networks.Select(n => n.Bridge!));
        const string Doubt = "wg0 is read as outside Docker's networks: only 2 rules of the shapes Docker writes for a bridge name it "
            + "('-A FORWARD -i wg0 ! -o wg0 -j ACCEPT', '-t nat -A POSTROUTING -s 10.8.0.0/24 ! -o wg0 -j MASQUERADE'), and Docker writes at least 3 for each; "
            + "give Docker's view (--docker) if it is a bridge whose other rules are gone";
        Assert.Equal(Doubt, Assert.Single(view.InferenceDoubts));
        Assert.Contains(Doubt, Audit(ruleset).Notices);
    }

    [Fact]
    public void A_bridge_that_is_also_a_masquerades_way_out_stays_a_bridge_and_the_report_says_so()
    {
        // An admin masquerades a VPN's clients into docker0 so that its containers answer them: docker0 is
        // the way out of a masquerade as an uplink is, and Docker's eight rules for a bridge name it.
        var ruleset = Edited("docker20.10-default.iptables-save",
            ("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", "-A POSTROUTING -s 10.8.0.0/24 -o docker0 -j MASQUERADE"));

        var view = DockerViewInference.Infer(ruleset);

        Assert.Equal(["docker0"], view.Networks.Select(n => n.Bridge!));
        Assert.Equal("docker0 is read as a Docker bridge (8 of Docker's rules for a bridge name it, e.g. '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'), "
            + "though it is also the way out of '-t nat -A POSTROUTING -s 10.8.0.0/24 -o docker0 -j MASQUERADE', as an uplink is; give Docker's view (--docker) if it is not a bridge",
            Assert.Single(view.InferenceDoubts));
    }

    [Fact]
    public void A_bridge_is_told_by_dockers_rules_not_by_its_name()
    {
        // com.docker.network.bridge.name may call a network's bridge anything, eth0 too.
        var view = DockerViewInference.Infer(Read("moby28.5-default.iptables-save", text => text.Replace("docker0", "eth0", StringComparison.Ordinal)));

        Assert.Equal(["eth0"], view.Networks.Select(n => n.Bridge!));
        Assert.Equal("172.17.0.0/16", view.Networks.Single().Subnets.Single().Network.ToString());
    }

    private static (DockerView View, JsonElement Expect) Load(string dump)
    {
        var path = Corpus.PathOf("docker", dump);
        var read = IptablesSaveReader.Read(File.ReadAllText(path), path);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return (DockerViewInference.Infer(read.Value!), Corpus.ExpectOf(path));
    }

    /// <summary>A corpus dump with each admin's rule put just before the first line that is its Before.</summary>
    private static Core.Model.Ruleset Edited(string dump, params (string Before, string Admin)[] rules) =>
        Read(dump, text => rules.Aggregate(text, (edited, rule) =>
        {
            var at = edited.IndexOf(rule.Before + "\n", StringComparison.Ordinal);
            Assert.True(at >= 0, $"no line '{rule.Before}' in {dump}");
            return edited.Insert(at, rule.Admin + "\n");
        }));

    private static Core.Model.Ruleset Read(string dump, Func<string, string> edit)
    {
        var path = Corpus.PathOf("docker", dump);
        var read = IptablesSaveReader.Read(edit(File.ReadAllText(path)), path);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }

    private static Core.Audit.AuditReport Audit(Core.Model.Ruleset ruleset) =>
        Core.Audit.Auditor.Run(new Core.Audit.AuditContext(ruleset, Core.Model.Ruleset.Empty(Core.Model.Values.IpFamily.V6), DockerView.Empty, Core.Audit.HostSettings.Unknown));
}
