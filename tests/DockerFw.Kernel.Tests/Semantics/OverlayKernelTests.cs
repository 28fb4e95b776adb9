using System.Collections.Immutable;
using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// The overlay facts' VXLAN claims judged by the kernel: the router is a swarm node (10.201.1.1 on a's
/// link), a its peer, with Docker's INPUT rules for an encrypted network (VNI 4097, xt_u32 and
/// xt_policy as moby writes them) and a plain one (VNI 4098). a sends real VXLAN datagrams (the
/// header's VNI is what Docker's u32 test reads), in cleartext; the audit's claim about each network
/// must be what the kernel does.
/// </summary>
public sealed class OverlayKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    private const string DockerInput = """
        filter -A INPUT -p udp -m policy --dir in --pol none -m udp --dport 4789 -m u32 --u32 0x0>>0x16&0x3c@0xc&0xffffff00=0x100100 -j DROP
        filter -A INPUT -p udp -m policy --dir in --pol ipsec -m udp --dport 4789 -m u32 --u32 0x0>>0x16&0x3c@0xc&0xffffff00=0x100100 -j ACCEPT
        """;

    [KernelTheory]
    [InlineData("", true, "open")]
    [InlineData("filter -A INPUT -p udp -m udp --dport 4789 -j ACCEPT", false, "open")]
    [InlineData("filter -A INPUT -p udp -m udp --dport 4789 -j DROP", true, "blocked")]
    public void Cleartext_vxlan_fares_in_the_kernel_as_the_audit_claims(string beforeDocker, bool cleartextDropped, string plainVerdict)
    {
        var topology = fixture.Topology;
        var a = topology["a"];
        var text = RulesetText.Build([.. beforeDocker.Split('\n', StringSplitOptions.RemoveEmptyEntries), .. DockerInput.Split('\n')]);
        KernelProbe.Load(topology, text);
        var read = IptablesSaveReader.Read(text, "overlay.iptables-save", IpFamily.V4);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        var report = OverlayFacts.Of(new AuditContext(read.Value!, Ruleset.Empty(IpFamily.V6), View(a), HostSettings.Unknown))!;

        var sec = report.Networks.Single(n => n.Name == "sec");
        var plain = report.Ports.Single(p => p.Network == "plain" && p.Direction == "in");
        Assert.Equal(cleartextDropped, sec.CleartextDropped);
        Assert.Equal(plainVerdict, plain.Verdict);

        var node = topology.RouterAddresses.First(r => r.Interface == a.RouterInterface).Address;
        foreach (var (vni, dropped) in new[] { (4097, cleartextDropped), (4098, plainVerdict == "blocked") })
        {
            var probe = new Probe("udp", a, node, topology.NextSourcePort(), 4789) { Payload = VxlanHeader(vni) };
            var outcome = KernelProbe.Send(topology, probe);
            Assert.True(dropped != (outcome.ArrivedAt == ProbeOutcome.Router), $"VNI {vni}: the audit says {(dropped ? "dropped" : "delivered")}, the kernel: {outcome}");
        }
    }

    /// <summary>VXLAN's 8 bytes (RFC 7348): the I flag, then the VNI in bytes 4-6.</summary>
    private static byte[] VxlanHeader(int vni) => [0x08, 0, 0, 0, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0];

    private static DockerView View(Endpoint peer)
    {
        var node = IpAddressValue.Parse("10.201.1.1", IpFamily.V4);
        var peers = new[] { node, EngineView.ValueOf(peer.Address) }.ToImmutableArray();
        DockerNetwork Overlay(string name, int vni, bool encrypted, string subnet) =>
            new DockerNetwork(name, name + "-id", "overlay", [new DockerSubnet(AddressMask.TryParse(subnet, IpFamily.V4, out var s) ? s! : throw new ArgumentException(subnet), null)],
                false, true, true, null, null, null, false)
            { Overlay = new OverlaySettings([vni], encrypted, false, peers) };
        return new DockerView([Overlay("sec", 4097, true, "10.0.1.0/24"), Overlay("plain", 4098, false, "10.0.2.0/24")], [])
        {
            Swarm = new SwarmInfo("n1", node, "active", true, [new SwarmManager("n1", node, 2377)]),
        };
    }
}
