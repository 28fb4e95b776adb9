using System.Net;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// A published port whose DNAT is missing (or stale) is judged by the connections the DNAT would make:
/// what the filter does to them once the DNAT is there, which the kernel shows with the DNAT restored.
/// They arrive on the host port, so conntrack's original tuple (<c>--ctorigdst</c>,
/// <c>--ctorigdstport</c>) is the host's address and port, never the container's: the audit read the
/// container's and said "the filter lets it in" where a drop of the host port keeps it out, and "keeps
/// it out" where a drop of the container port as the original one touches nothing.
/// </summary>
public sealed class PublishedPortWithoutDnatKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    private const string Dnat = "nat -A DOCKER ! -i r2 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.201.2.2:80";

    [KernelTheory]
    [InlineData("--ctorigdst 10.201.1.1 --ctorigdstport 8080", null, "any address of the host but 10.201.1.1")]
    [InlineData("--ctorigdstport 8080", false, null)]
    [InlineData("--ctorigdstport 80", true, null)]
    public void Without_the_dnat_the_filter_is_judged_as_the_kernel_treats_the_connections_once_it_is_there(string original, bool? accepts, string? onlyOn)
    {
        var topology = fixture.Topology;
        string Text(string? dnat) => RulesetText.Build(
        [
            "nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
            .. dnat is null ? Array.Empty<string>() : [dnat],
            "filter -P FORWARD DROP",
            "filter -A FORWARD -j DOCKER-USER",
            "filter -A FORWARD -d 10.201.2.2/32 ! -i r2 -o r2 -p tcp -m tcp --dport 80 -j ACCEPT",
            $"filter -A DOCKER-USER -p tcp -m conntrack --ctstate NEW {original} -j DROP",
            "filter -A DOCKER-USER -j RETURN",
        ]);

        foreach (var dnat in new string?[] { null, Dnat.Replace("10.201.2.2:80", "10.201.2.3:80", StringComparison.Ordinal) })
        {
            var ruleset = IptablesSaveReader.Read(Text(dnat), "published.iptables-save", IpFamily.V4).Value!;
            var port = Assert.Single(Auditor.Run(new AuditContext(ruleset, Ruleset.Empty(IpFamily.V6), View(), HostSettings.Unknown)).PublishedPorts);
            Assert.Equal((accepts, onlyOn), (port.FilterAccepts, port.Partial?.HostAddresses));
        }

        KernelProbe.Load(topology, Text(Dnat));
        // The router's addresses: the first is the one a partial answer leaves out.
        bool[] arrived = [.. new[] { "10.201.1.1", "10.201.2.1", "10.201.3.1" }.Select(to =>
            KernelProbe.Send(topology, new Probe("tcp", topology["a"], IPAddress.Parse(to), topology.NextSourcePort(), 8080)).ArrivedAt == "b")];
        Assert.Equal(accepts is { } all ? [all, all, all] : [false, true, true], arrived);
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
