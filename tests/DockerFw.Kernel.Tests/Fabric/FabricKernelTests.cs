using System.Net;
using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Fabric;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Kernel.Tests.Semantics;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Fabric;

/// <summary>
/// The fabric check's claims about flannel and Weave Net, judged by the kernel: the dumps of
/// tests/DockerFw.Core.Tests/Audit/Fabric/Fixtures (written from flannel's and weave's sources) with
/// their addresses moved onto the topology, loaded into the router, real packets sent, and each packet's
/// fate (delivered or not, masqueraded or not) compared with the part of the claim it falls in.
/// The engine judges the dump with the fabric's device names (docker0, flannel.1, weave); the kernel
/// loads it renamed onto the router's devices, which the rules then name the same way.
/// </summary>
public sealed class FabricKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Audit", "Fabric", "Fixtures", name + ".iptables-save"));

    // flannel: pool 10.5.0.0/16 -> 10.201.2.0/23 (b's link and br0), this host's lease 10.5.94.0/24 -> br0's
    // 10.201.3.0/24; flannel.1 is r2, where b (10.201.2.2) stands for another host's container.
    private static readonly (string From, string To)[] FlannelAddresses = [("10.5.94.0/24", "10.201.3.0/24"), ("10.5.0.0/16", "10.201.2.0/23")];

    public static TheoryData<string, string[]> FlannelCases() => new()
    {
        { "flannel-v0.25", [] },
        { "flannel-v0.11", [] },
        { "flannel-v0.25", ["-A POSTROUTING -s 10.201.3.0/24 ! -o docker0 -j MASQUERADE"] },
        { "flannel-v0.11", ["-A POSTROUTING -s 10.201.3.0/24 ! -o docker0 -j MASQUERADE", "-A FLANNEL-FWD -d 10.201.2.0/23 -m comment --comment \"flanneld forward\" -j ACCEPT", "-A FLANNEL-FWD -s 10.201.2.0/23 -m comment --comment \"flanneld forward\" -j ACCEPT"] },
    };

    [KernelTheory]
    [MemberData(nameof(FlannelCases))]
    public void Flannel_s_pool_through_docker_s_rules_fares_in_the_kernel_as_the_fabric_facts_say(string fixtureName, string[] removed)
    {
        var topology = fixture.Topology;
        var engineText = removed.Aggregate(Move(Fixture(fixtureName), FlannelAddresses), (t, line) => Without(t, line));
        var (ruleset, flannel) = (Read(engineText), FabricReport.Of(Context(engineText, [("bridge", "docker0", "10.201.3.0/24", true)]))!.Flannel!);
        KernelProbe.Load(topology, Move(engineText, [("docker0", Topology.Bridge)]));
        var (c, b) = (topology["c"], topology["b"]);

        foreach (var (protocol, port) in new[] { ("tcp", 80), ("udp", 53) })
        {
            var outbound = new Probe(protocol, c, b.Address, topology.NextSourcePort(), port);
            var kernel = KernelProbe.Send(topology, outbound);
            var claim = Part(flannel.Outbound!, outbound);
            Assert.True(claim == Fate(kernel, ruleset, "b"), $"{fixtureName} -{removed.Length}: {outbound}: fabric facts {claim}, kernel {kernel}");

            var inbound = new Probe(protocol, b, c.Address, topology.NextSourcePort(), port);
            kernel = KernelProbe.Send(topology, inbound);
            claim = Part(flannel.Inbound!, inbound);
            Assert.True(claim == Fate(kernel, ruleset, "c"), $"{fixtureName} -{removed.Length}: {inbound}: fabric facts {claim}, kernel {kernel}");
        }
    }

    // Weave: docker0 172.17.0.0/16 -> a's link r1 (10.201.1.0/24), the user network 172.18.0.0/16 -> b's
    // link r2 (10.201.2.0/24), weave's exposed 10.32.0.0/12 -> br0 (10.201.3.0/24, c d e).
    private static readonly (string From, string To)[] WeaveAddresses =
        [("172.17.0.1/32", "10.201.1.1/32"), ("172.17.0.0/16", "10.201.1.0/24"), ("172.18.0.0/16", "10.201.2.0/24"), ("10.32.0.0/12", "10.201.3.0/24")];

    [KernelTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void What_enters_the_weave_bridge_from_docker_s_bridges_fares_in_the_kernel_as_the_fabric_facts_say(bool withoutWeaveDrop)
    {
        var topology = fixture.Topology;
        var engineText = Move(Fixture("weave-2.8"), WeaveAddresses);
        if (withoutWeaveDrop) engineText = Without(engineText, "-A FORWARD -i docker0 -o weave -j DROP");
        var ruleset = Read(engineText);
        var weave = FabricReport.Of(Context(engineText, [("bridge", "docker0", "10.201.1.0/24", true), ("apps", "br-5e1f0c3a2b7d", "10.201.2.0/24", false)]))!.Weave!;
        KernelProbe.Load(topology, Move(engineText, [("br-5e1f0c3a2b7d", "r2"), ("docker0", "r1"), ("weave", Topology.Bridge)]));

        foreach (var (network, sender) in new[] { ("bridge", topology["a"]), ("apps", topology["b"]) })
            foreach (var (protocol, port) in new[] { ("tcp", 80), ("udp", 53) })
            {
                var probe = new Probe(protocol, sender, topology["d"].Address, topology.NextSourcePort(), port);
                var kernel = KernelProbe.Send(topology, probe);
                var claim = Part(weave.FromDocker.Single(e => e.From == network).Answer, probe);
                Assert.True(claim == Fate(kernel, ruleset, "d"), $"{network}: {probe}: fabric facts {claim}, kernel {kernel}");
            }
    }

    /// <summary>The kernel's word for a probe: delivered to its endpoint with its source kept, or after a MASQUERADE counted it, or not at all.</summary>
    private static string Fate(ProbeOutcome kernel, Ruleset ruleset, string endpoint) =>
        kernel.ArrivedAt != endpoint ? "blocked"
        : kernel.Counted.Any(r => r.Table == "nat" && ruleset["nat"]?[r.Chain]?.Rules[r.Number - 1].Target is MasqueradeTarget) ? "masqueraded"
        : "kept";

    private static string Part(FabricAnswer answer, Probe probe)
    {
        var proto = probe.Protocol == "tcp" ? Protocol.Tcp : Protocol.Udp;
        bool Holds(PacketSet set) => set.Boxes.Any(box => box[Dimension.Src].Contains(EngineView.ValueOf(probe.Source))
            && box[Dimension.Dst].Contains(EngineView.ValueOf(probe.To)) && box[Dimension.Proto].Contains((UInt128)proto)
            && box[Dimension.Sport].Contains((UInt128)probe.SourcePort) && box[Dimension.Dport].Contains((UInt128)probe.DestinationPort));
        return Holds(answer.Kept) ? "kept" : Holds(answer.Masqueraded) ? "masqueraded" : Holds(answer.Blocked) ? "blocked" : Holds(answer.Undecided) ? "undecided" : "outside the question";
    }

    private static AuditContext Context(string text, (string Name, string Bridge, string Subnet, bool Default)[] networks)
    {
        var view = new DockerView([.. networks.Select(n => new DockerNetwork(n.Name, n.Name + "-id", "bridge",
            [new DockerSubnet(AddressMask.TryParse(n.Subnet, IpFamily.V4, out var s) ? s! : throw new ArgumentException(n.Subnet), null)],
            false, true, true, null, null, n.Bridge, n.Default))], []);
        return new AuditContext(Read(text), Ruleset.Empty(IpFamily.V6), view, HostSettings.Unknown);
    }

    private static Ruleset Read(string text) => IptablesSaveReader.Read(text, "fabric.iptables-save", IpFamily.V4).Value!;

    private static string Move(string text, IEnumerable<(string From, string To)> map) =>
        map.Aggregate(text, (t, m) => t.Replace(m.From, m.To, StringComparison.Ordinal));

    private static string Without(string text, string line)
    {
        Assert.Contains(line + "\n", text, StringComparison.Ordinal);
        return text.Replace(line + "\n", "", StringComparison.Ordinal);
    }
}
