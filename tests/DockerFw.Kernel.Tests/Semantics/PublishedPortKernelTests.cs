using System.Net;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// A port published on every address, judged on every address the host may have and checked by the
/// kernel: the router publishes 8080 to b's port 80 as Docker does (DNAT of any local address), and
/// DOCKER-USER drops it on one of the router's addresses only. The audit says the filter lets it in
/// on any address of the host but that one (it used to judge one made-up address standing for them
/// all); connections to that address die, to the router's other addresses they reach b.
/// </summary>
public sealed class PublishedPortKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    [KernelFact]
    public void A_port_dropped_on_one_host_address_is_partial_and_the_kernel_agrees_address_by_address()
    {
        var topology = fixture.Topology;
        var text = RulesetText.Build(
        [
            "nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
            "nat -A DOCKER ! -i r2 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.201.2.2:80",
            "filter -P FORWARD DROP",
            "filter -A FORWARD -j DOCKER-USER",
            "filter -A FORWARD -d 10.201.2.2/32 ! -i r2 -o r2 -p tcp -m tcp --dport 80 -j ACCEPT",
            "filter -A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdst 10.201.1.1 --ctorigdstport 8080 -j DROP",
            "filter -A DOCKER-USER -j RETURN",
        ]);
        var ruleset = IptablesSaveReader.Read(text, "published.iptables-save", IpFamily.V4).Value!;
        var report = Auditor.Run(new AuditContext(ruleset, Ruleset.Empty(IpFamily.V6), View(), HostSettings.Unknown));

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal(new PortClients(null, "any address of the host but 10.201.1.1"), port.Partial);

        KernelProbe.Load(topology, text);
        var arrived = new[] { "10.201.1.1", "10.201.2.1", "10.201.3.1" }.ToDictionary(to => to, to =>
            KernelProbe.Send(topology, new Probe("tcp", topology["a"], IPAddress.Parse(to), topology.NextSourcePort(), 8080)).ArrivedAt == "b");
        Assert.Equal(new Dictionary<string, bool> { ["10.201.1.1"] = false, ["10.201.2.1"] = true, ["10.201.3.1"] = true }, arrived);
    }

    /// <summary>Docker's view of the router: b is container web on network net, whose bridge is r2.</summary>
    private static DockerView View()
    {
        var subnet = AddressMask.TryParse("10.201.2.0/24", IpFamily.V4, out var s) ? s! : throw new InvalidOperationException();
        var network = new DockerNetwork("net", "net-id", "bridge", [new DockerSubnet(subnet, IpAddressValue.Parse("10.201.2.1", IpFamily.V4))],
            false, true, true, null, null, "r2", false);
        var binding = new PortBinding("tcp", 80, "0.0.0.0", 8080);
        var web = new DockerContainer("web", "web-id", true, "net",
            [new DockerEndpoint("net", "net-id", IpAddressValue.Parse("10.201.2.2", IpFamily.V4), null, [])], ["80/tcp"], [binding], []);
        return new DockerView([network], [web]);
    }
}
