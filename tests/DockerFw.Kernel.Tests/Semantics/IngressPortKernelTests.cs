using System.Net;
using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// A service port of swarm's routing mesh, judged on every address the host may have and checked by
/// the kernel: the router's r2 link plays docker_gwbridge and b the ingress sandbox, with DOCKER-INGRESS's
/// rules as moby writes them (a DNAT of any local address, an ACCEPT with no interface in FORWARD).
/// DOCKER-USER drops the port on one of the router's addresses only. The audit says partial, on any
/// address of the host but that one (it used to judge one made-up address standing for them all and
/// said open); connections to that address die, to the router's other addresses they reach b. Docker's
/// recipe on one interface (r1 playing the uplink) is judged per input interface (oracle F41).
/// </summary>
public sealed class IngressPortKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    [KernelFact]
    public void A_service_port_dropped_on_one_host_address_is_partial_and_the_kernel_agrees_address_by_address()
    {
        var topology = fixture.Topology;
        var text = RulesetText.Build(
        [
            "nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
            "nat -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.201.2.2:80",
            "nat -A DOCKER-INGRESS -j RETURN",
            "filter -P FORWARD DROP",
            "filter -A FORWARD -j DOCKER-USER",
            "filter -A FORWARD -j DOCKER-INGRESS",
            "filter -A DOCKER-INGRESS -p tcp -m tcp --dport 80 -j ACCEPT",
            "filter -A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 80 -j ACCEPT",
            "filter -A DOCKER-INGRESS -j RETURN",
            "filter -A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdst 10.201.1.1 --ctorigdstport 8080 -j DROP",
            "filter -A DOCKER-USER -j RETURN",
        ]);
        var read = IptablesSaveReader.Read(text, "ingress.iptables-save", IpFamily.V4);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        var report = OverlayFacts.Of(new AuditContext(read.Value!, Ruleset.Empty(IpFamily.V6), View(), HostSettings.Unknown))!;

        var port = Assert.Single(report.IngressPorts);
        Assert.Equal(("8080", "10.201.2.2", "partial"), (port.Ports, port.To, port.Verdict));
        Assert.Equal(new PortClients(null, "any address of the host but 10.201.1.1"), port.Partial);

        KernelProbe.Load(topology, text);
        var arrived = new[] { "10.201.1.1", "10.201.2.1", "10.201.3.1" }.ToDictionary(to => to, to =>
            KernelProbe.Send(topology, new Probe("tcp", topology["a"], IPAddress.Parse(to), topology.NextSourcePort(), 8080)).ArrivedAt == "b");
        Assert.Equal(new Dictionary<string, bool> { ["10.201.1.1"] = false, ["10.201.2.1"] = true, ["10.201.3.1"] = true }, arrived);
    }

    [KernelFact]
    public void Dockers_recipe_on_one_interface_keeps_the_service_port_partial_and_the_kernel_agrees_interface_by_interface()
    {
        // Oracle F41's rest: r1 plays the host's uplink in Docker's recipe (-i ext_if ! -s 192.168.1.1 -j DROP),
        // letting only 10.201.1.9 in on it. The mesh's connections used to be asked in on dfw-uplink0, which
        // no rule names: "open". a's connection in on r1 dies; c's, in on br0 (no bridge of Docker's), gets to b.
        var topology = fixture.Topology;
        var text = RulesetText.Build(
        [
            "nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
            "nat -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.201.2.2:80",
            "nat -A DOCKER-INGRESS -j RETURN",
            "filter -P FORWARD DROP",
            "filter -A FORWARD -j DOCKER-USER",
            "filter -A FORWARD -j DOCKER-INGRESS",
            "filter -A DOCKER-INGRESS -p tcp -m tcp --dport 80 -j ACCEPT",
            "filter -A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 80 -j ACCEPT",
            "filter -A DOCKER-INGRESS -j RETURN",
            "filter -A DOCKER-USER -i r1 ! -s 10.201.1.9/32 -j DROP",
            "filter -A DOCKER-USER -j RETURN",
        ]);
        var read = IptablesSaveReader.Read(text, "ingress.iptables-save", IpFamily.V4);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        var report = OverlayFacts.Of(new AuditContext(read.Value!, Ruleset.Empty(IpFamily.V6), View(), HostSettings.Unknown))!;

        var port = Assert.Single(report.IngressPorts);
        Assert.Equal(("8080", "partial"), (port.Ports, port.Verdict));
        Assert.Equal(new PortClients(null, null) { KeptOut = "from any client but 10.201.1.9 via r1" }, port.Partial);

        KernelProbe.Load(topology, text);
        var arrived = new[] { "a", "c" }.ToDictionary(from => from, from =>
            KernelProbe.Send(topology, new Probe("tcp", topology[from], IPAddress.Parse("10.201.1.1"), topology.NextSourcePort(), 8080)).ArrivedAt == "b");
        Assert.Equal(new Dictionary<string, bool> { ["a"] = false, ["c"] = true }, arrived);
    }

    /// <summary>Docker's view of the router: r2's subnet is docker_gwbridge's (the audit knows the network by its bridge's name).</summary>
    private static DockerView View()
    {
        var subnet = AddressMask.TryParse("10.201.2.0/24", IpFamily.V4, out var s) ? s! : throw new InvalidOperationException();
        var gwbridge = new DockerNetwork(OverlayFacts.Gwbridge, "gw-id", "bridge", [new DockerSubnet(subnet, IpAddressValue.Parse("10.201.2.1", IpFamily.V4))],
            false, false, true, null, null, OverlayFacts.Gwbridge, false);
        return new DockerView([gwbridge], []);
    }
}
