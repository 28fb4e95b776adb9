using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Docker 29's nftables layout (<c>moby29-nftables-*.nft</c>, nft text): the kernel loads each file
/// into a namespace of its own and lists it as JSON; the reader reads that without errors, and the
/// concrete engine gives the facts of the file's <c>*.expect.json</c> for published ports and icc.
/// </summary>
public sealed class DockerNftCorpusTests
{
    private const string HostAddress = "203.0.113.1";

    // The *.iptables-nft.nft files are iptables-nft's tables as nft lists them (ip filter, ip nat):
    // the view is inferred from them as from iptables-save (Ruleset.IptablesTable).
    public static TheoryData<string> Files() =>
        [.. Corpus.Files("docker", "moby29-nftables-*.nft").Concat(Corpus.Files("docker", "*.iptables-nft.nft")).Select(f => Path.GetFileName(f))];

    [KernelTheory]
    [MemberData(nameof(Files))]
    public void The_kernel_listing_reads_and_the_engine_gives_the_expected_ports_and_icc(string file)
    {
        var result = NftJsonReader.Read(KernelListing(File.ReadAllText(Corpus.PathOf("docker", file))), file);
        Assert.Equal("", string.Join("\n", result.Errors.Select(e => e.Render())));
        var rules = result.Value!;
        using var expect = JsonDocument.Parse(File.ReadAllText(Corpus.PathOf("docker", Path.ChangeExtension(file, ".expect.json"))));
        var bridges = expect.RootElement.GetProperty("bridges").EnumerateObject().ToList();
        var context = Context(bridges);

        foreach (var port in expect.RootElement.GetProperty("published_ports").EnumerateArray())
        {
            if (port.GetProperty("host_ip").GetString() != "0.0.0.0") continue;
            var containerIp = IpAddressValue.Parse(port.GetProperty("container_ip").GetString()!, IpFamily.V4);
            var packet = new Packet(IpFamily.V4, Ip("198.51.100.7"), Ip(HostAddress), Protocol.Tcp, 40000, port.GetProperty("host_port").GetInt32(),
                InInterface: "eth0", OutInterface: port.GetProperty("bridge").GetString());
            var trace = PacketTracer.Trace(rules, packet, PacketPath.Forward, context);

            Assert.True(trace.Verdict == PacketVerdict.Accept, $"{file}: published port {port}: {string.Join(",", trace.PossibleVerdicts)}");
            Assert.Equal((containerIp, port.GetProperty("container_port").GetInt32()), (trace.Single!.Packet.Destination, trace.Single.Packet.DestinationPort!.Value));
        }

        foreach (var bridge in bridges)
        {
            if (bridge.Value.GetProperty("subnet").GetString() is not { } subnet) continue;
            var net = AddressMask.TryParse(subnet, IpFamily.V4, out var mask) ? mask!.Address : throw new InvalidDataException(subnet);
            var packet = new Packet(IpFamily.V4, net + 5, net + 6, Protocol.Tcp, 40000, 80, InInterface: bridge.Name, OutInterface: bridge.Name);
            var expected = bridge.Value.GetProperty("icc").GetBoolean() ? PacketVerdict.Accept : PacketVerdict.Drop;

            Assert.True(PacketTracer.Trace(rules, packet, PacketPath.Forward, context).Verdict == expected, $"{file}: icc on {bridge.Name}");
        }
    }

    [KernelTheory]
    [MemberData(nameof(Files))]
    public void The_audit_of_the_kernel_listing_reports_the_expected_networks_ports_and_isolation(string file)
    {
        var rules = NftJsonReader.Read(KernelListing(File.ReadAllText(Corpus.PathOf("docker", file))), file).Value!;
        using var expect = JsonDocument.Parse(File.ReadAllText(Corpus.PathOf("docker", Path.ChangeExtension(file, ".expect.json"))));
        var report = Auditor.Run(new AuditContext(rules, Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown));
        var failures = new List<string>();
        void Check<T>(string what, T expected, T actual)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual)) failures.Add($"{what}: expected {expected}, got {actual}");
        }

        string Set(IEnumerable<string> items) => string.Join(" | ", items.Order(StringComparer.Ordinal));
        var bridges = expect.RootElement.GetProperty("bridges").EnumerateObject().ToList();
        Check("bridges", Set(bridges.Select(b => b.Name)), Set(report.Networks.Select(n => n.Bridge ?? n.Name)));
        foreach (var b in bridges)
        {
            if (report.Networks.FirstOrDefault(x => x.Bridge == b.Name) is not { } n) continue;
            var e = b.Value;
            Check($"{b.Name}.subnet", e.GetProperty("subnet").GetString(), n.Subnets.FirstOrDefault());
            Check($"{b.Name}.internal", e.GetProperty("internal").GetBoolean(), n.Internal);
            Check($"{b.Name}.icc", (bool?)e.GetProperty("icc").GetBoolean(), n.Icc.Effective);
            Check($"{b.Name}.masquerade", (bool?)e.GetProperty("masquerade").GetBoolean(), n.Masquerade.Effective);
            Check($"{b.Name}.snat_to", e.GetProperty("snat_to").GetString(), n.SnatTo);
            Check($"{b.Name}.gateway_mode", e.GetProperty("gateway_mode").GetString(), n.GatewayMode);
        }

        Check("published_ports",
            Set(expect.RootElement.GetProperty("published_ports").EnumerateArray().Where(p => p.GetProperty("host_port").ValueKind != JsonValueKind.Null)
                .Select(p => $"{p.GetProperty("proto").GetString()} {p.GetProperty("host_ip").GetString()}:{p.GetProperty("host_port").GetInt32()} -> {p.GetProperty("container_ip").GetString()}:{p.GetProperty("container_port").GetInt32()}")),
            Set(report.PublishedPorts.Select(p => $"{p.Protocol} {p.HostIp}:{p.HostPort} -> {p.ContainerIp}:{p.ContainerPort}")));
        var names = report.Networks.Select(n => n.Name).ToList();
        var isolated = from a in names
                       from b in names
                       where string.CompareOrdinal(a, b) < 0
                       where report.Reachability.Single(r => r.From == a && r.To == b).Verdict != ReachabilityVerdict.Allowed
                             && report.Reachability.Single(r => r.From == b && r.To == a).Verdict != ReachabilityVerdict.Allowed
                       select $"{a}+{b}";
        Check("isolated_pairs",
            Set(expect.RootElement.GetProperty("isolated_pairs").EnumerateArray().Select(p => string.Join("+", new[] { p[0].GetString()!, p[1].GetString()! }.Order(StringComparer.Ordinal)))),
            Set(isolated));

        // A scenario that expects no finding gets none worth acting on (medium or high). The routed and
        // no-masquerade scenarios are judged as their iptables twins are (IsolationCheckTests): a routed
        // network's open ports are its design, and a published port reached through the host's
        // address is not an unpublished one, known subnet or not.
        var expectedFindings = expect.RootElement.GetProperty("findings").GetArrayLength();
        if (expectedFindings == 0)
            foreach (var f in report.Findings.Where(f => f.Severity >= FindingSeverity.Medium))
                failures.Add($"unexpected {f.Code.Code}: {f.Message}");

        Assert.True(failures.Count == 0, $"{file}:\n  " + string.Join("\n  ", failures));
    }

    private static EvaluationContext Context(List<JsonProperty> bridges) => new()
    {
        Addresses =
        [
            new InterfaceAddress("eth0", IpFamily.V4, Ip(HostAddress), 24),
            new InterfaceAddress("lo", IpFamily.V4, Ip("127.0.0.1"), 8),
            .. bridges.Where(b => b.Value.GetProperty("subnet").GetString() is not null).Select(b =>
            {
                AddressMask.TryParse(b.Value.GetProperty("subnet").GetString()!, IpFamily.V4, out var m);
                return new InterfaceAddress(b.Name, IpFamily.V4, m!.Address + 1, m.PrefixLength!.Value);
            }),
        ],
        BridgeNetfilter = true,
    };

    private static UInt128 Ip(string text) => IpAddressValue.Parse(text, IpFamily.V4);

    /// <summary>The file loaded with <c>nft -f</c> into a namespace of our own, listed back as JSON.</summary>
    private static string KernelListing(string text)
    {
        // nft 1.0.6 knows the name dstnat only on prerouting; on the output hook it is the number -100.
        text = text.Replace("hook output priority dstnat", "hook output priority -100");
        using var netns = Netns.Create("dfwn-");
        var load = netns.ExecWithInput(text, "nft", "-f", "-");
        Assert.True(load.Ok, $"nft -f refused the file: {load.Error}");
        var listed = netns.Exec("nft", "-j", "list", "ruleset");
        listed.EnsureOk();
        return listed.Out;
    }
}
