using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Audit;

/// <summary>
/// What keeps an audit of thousands of Docker networks near-linear (issue 14): look-ups by name and
/// address are indexed and answer as the scans in order did, the host's possible addresses are
/// merged once, and a network's pass is asked only about container addresses, so the host's
/// addresses (every gateway and all outside the subnets) never reach its pieces.
/// </summary>
public sealed class ManyNetworksTests
{
    private static AuditedNetwork Audited(string name, string subnet) =>
        AuditedNetwork.Of(EngineView.Network(name, subnet))!;

    [Fact]
    public void The_network_of_an_address_is_the_first_listed_whose_subnet_holds_it_whatever_the_masks()
    {
        // wide covers narrow and is listed after it; odd's mask is no prefix: it holds 10.9.x.0 for any x.
        var networks = new[]
        {
            Audited("narrow", "10.1.2.0/24"),
            Audited("wide", "10.1.0.0/16"),
            Audited("again", "10.1.2.0/24"),
            AuditedNetwork.Of(EngineView.Network("odd", "10.9.0.0/255.255.0.255"))!,
        };
        var index = new SubnetIndex(networks);

        foreach (var address in new[] { "10.1.2.7", "10.1.3.7", "10.9.77.0", "10.9.77.1", "10.2.0.1" })
        {
            var ip = IpAddressValue.Parse(address, IpFamily.V4);
            Assert.Equal(networks.FirstOrDefault(n => n.Subnet!.Contains(ip))?.Name, index.Of(ip)?.Name);
        }

        Assert.Equal("narrow", index.Of(IpAddressValue.Parse("10.1.2.7", IpFamily.V4))?.Name);
        Assert.Equal("odd", index.Of(IpAddressValue.Parse("10.9.77.0", IpFamily.V4))?.Name);
    }

    [Fact]
    public void The_names_of_networks_are_looked_up_first_listed_first()
    {
        var first = EngineView.Network("twice", "10.0.1.0/24");
        var view = new DockerView([first, EngineView.Network("twice", "10.0.2.0/24"), EngineView.Network("other", "10.0.3.0/24")], []);

        Assert.Same(first, view.NetworkByName("twice"));
        Assert.Same(first, view.NetworkByBridge("twice"));
        Assert.Null(view.NetworkByName("missing"));
    }

    [Fact]
    public void The_host_may_have_every_address_outside_the_subnets_and_their_gateways_inside()
    {
        // Overlapping subnets, a gateway outside its subnet, one network without a gateway.
        var subnets = new[] { ("10.0.0.0/24", "10.0.0.1"), ("10.0.0.0/25", "10.0.0.9"), ("10.0.1.0/24", "10.0.9.1"), ("10.0.2.0/24", (string?)null) }
            .Select(s => (AddressMask.TryParse(s.Item1, IpFamily.V4, out var m) ? m! : throw new ArgumentException(s.Item1),
                s.Item2 is null ? (UInt128?)null : IpAddressValue.Parse(s.Item2, IpFamily.V4)))
            .ToList();

        var local = HostModel.MayBeLocal(subnets, IpFamily.V4);

        foreach (var (address, expected) in new[] { ("10.0.0.1", false), ("10.0.0.9", false), ("10.0.0.2", false), ("10.0.1.1", false),
                     ("10.0.9.1", true), ("10.0.2.0", false), ("10.0.3.0", true), ("9.255.255.255", true) })
            Assert.True(local.Contains(IpAddressValue.Parse(address, IpFamily.V4)) == expected, address);
    }

    [Fact]
    public void A_networks_pass_holds_only_packets_to_the_subnets_not_those_the_published_port_DNATs()
    {
        // c1's port 8080 on every host address is DNATed from bridge2 too: those packets are addressed
        // to the host, and no consumer of bridge2's pass (the pair to bridge1, icc, the container
        // matrix) looks at them; walking them cut every pass by each published port.
        var analysis = AuditFixture.Context(new DockerHost().ToString(), view: EngineView.TwoBridges()).Analysis();
        var passes = analysis.Passes;
        var bridge2 = analysis.Inputs.Networks.Single(n => n.Name == "bridge2");

        var pieces = passes.From(bridge2).Values.SelectMany(p => p).ToList();

        Assert.NotEmpty(pieces);
        Assert.All(pieces, p => Assert.True(p.Box[Dimension.Dst].IsSubsetOf(passes.SubnetDestinations), p.Box.ToString()));
        Assert.False(passes.SubnetDestinations.Contains(HostModel.UplinkAddress));
        // What the consumers of bridge1's pieces look at: its containers, never its gateway.
        Assert.True(passes.DestinationsOn("bridge1").Contains(IpAddressValue.Parse("192.0.2.2", IpFamily.V4)));
        Assert.False(passes.DestinationsOn("bridge1").Contains(IpAddressValue.Parse("192.0.2.1", IpFamily.V4)));
    }
}
