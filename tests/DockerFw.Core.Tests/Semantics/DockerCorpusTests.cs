using System.Text.Json;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics;

/// <summary>
/// The facts in the corpus's <c>*.expect.json</c> (written from each scenario's configuration, not by
/// a parser) hold for the engine over every Docker layout: published ports are reachable from
/// outside, isolated bridges cannot connect, and same-bridge traffic follows icc.
/// </summary>
public sealed class DockerCorpusTests
{
    private const string HostAddress = "10.0.2.15";

    public static TheoryData<string> Dumps() =>
        [.. Corpus.Files("docker", "*.iptables-save").Where(f => File.Exists(Corpus.ExpectPathOf(f))).Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Dumps))]
    public void Docker_facts_hold_for_the_engine(string dump)
    {
        var path = Corpus.PathOf("docker", dump);
        var ruleset = IptablesSaveReader.Read(File.ReadAllText(path), dump).Value!;
        using var expect = JsonDocument.Parse(File.ReadAllText(Corpus.ExpectPathOf(path)));
        var bridges = Bridges(expect.RootElement);
        var context = new EvaluationContext
        {
            Addresses = [new InterfaceAddress("eth0", IpFamily.V4, Ip(HostAddress), 24),
                .. bridges.Select(b => new InterfaceAddress(b.Name, IpFamily.V4, b.Subnet.Address + 1, b.Subnet.PrefixLength!.Value))],
            BridgeNetfilter = true,
        };
        var failures = new List<string>();

        foreach (var port in expect.RootElement.GetProperty("published_ports").EnumerateArray())
        {
            if (!IsPlainPublishedPort(port)) continue;
            var hostIp = port.GetProperty("host_ip").GetString()!;
            var bridge = port.GetProperty("bridge").GetString()!;
            var packet = new Packet(IpFamily.V4, Ip("203.0.113.50"), Ip(hostIp == "0.0.0.0" ? HostAddress : hostIp),
                ProtocolNumber(port.GetProperty("proto").GetString()!), 40000, port.GetProperty("host_port").GetInt32(),
                InInterface: "eth0", OutInterface: bridge);
            var result = ConnectionEvaluator.Evaluate(ruleset, packet, PacketPath.Forward, context);
            if (result.Reachability != Reachability.Reachable)
                failures.Add($"published {hostIp}:{port.GetProperty("host_port")} is {Describe(result)}");
        }

        foreach (var pair in expect.RootElement.GetProperty("isolated_pairs").EnumerateArray())
        {
            var (a, b) = (pair[0].GetString()!, pair[1].GetString()!);
            if (bridges.FirstOrDefault(x => x.Name == a) is not { } from || bridges.FirstOrDefault(x => x.Name == b) is not { } to) continue;
            foreach (var (x, y) in new[] { (from, to), (to, from) })
            {
                // A port no scenario publishes: opened container ports are listed apart (cross_bridge_allowed).
                var packet = new Packet(IpFamily.V4, x.Subnet.Address + 2, y.Subnet.Address + 2, Protocol.Tcp, 40000, 4444,
                    InInterface: x.Name, OutInterface: y.Name);
                var result = ConnectionEvaluator.Evaluate(ruleset, packet, PacketPath.Forward, context);
                if (!result.Certain || result.Reachability == Reachability.Reachable)
                    failures.Add($"isolated {x.Name} -> {y.Name} is {Describe(result)}");
            }
        }

        foreach (var bridge in bridges)
        {
            var packet = new Packet(IpFamily.V4, bridge.Subnet.Address + 2, bridge.Subnet.Address + 3, Protocol.Tcp, 40000, 80,
                InInterface: bridge.Name, OutInterface: bridge.Name, PhysIn: "vethA", PhysOut: "vethB");
            var result = ConnectionEvaluator.Evaluate(ruleset, packet, PacketPath.Forward, context);
            var expected = bridge.Icc ? Reachability.Reachable : Reachability.Blocked;
            if (result.Reachability != expected)
                failures.Add($"icc={bridge.Icc} on {bridge.Name} but same-bridge traffic is {Describe(result)}");
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static bool IsPlainPublishedPort(JsonElement port) =>
        port.GetProperty("host_ip").GetString() is { } ip && ip != "127.0.0.1"
        && port.TryGetProperty("filter_accept", out var accept) && accept.ValueKind == JsonValueKind.True
        && !(port.TryGetProperty("dnat", out var dnat) && dnat.ValueKind == JsonValueKind.False)
        && !port.TryGetProperty("via", out _);

    private sealed record Bridge(string Name, AddressMask Subnet, bool Icc);

    private static List<Bridge> Bridges(JsonElement root) =>
        [.. root.GetProperty("bridges").EnumerateObject()
            .Where(b => b.Value.GetProperty("subnet").ValueKind == JsonValueKind.String)
            .Select(b => new Bridge(b.Name, Subnet(b.Value.GetProperty("subnet").GetString()!), b.Value.GetProperty("icc").GetBoolean()))];

    private static AddressMask Subnet(string text) => AddressMask.TryParse(text, IpFamily.V4, out var m) ? m! : throw new FormatException(text);

    private static UInt128 Ip(string text) => IpAddressValue.Parse(text, IpFamily.V4);

    private static int ProtocolNumber(string name) => name == "udp" ? Protocol.Udp : Protocol.Tcp;


    private static string Describe(ConnectionResult result) =>
        string.Join(" or ", result.Possible) + " (" + string.Join("; ", result.Outcomes.Select(o =>
            $"request {o.Request.Verdict} via [{string.Join(", ", o.Request.Matched.Select(r => $"{r.Table}/{r.Chain}#{r.Number}"))}]"
            + (o.Reply is { } r2 ? $", reply {r2.Verdict} via [{string.Join(", ", r2.Matched.Select(r => $"{r.Table}/{r.Chain}#{r.Number}"))}]" : "")
            + string.Concat(o.Request.Doubts.Concat(o.Reply?.Doubts ?? []).Select(d => $" doubt: {d.Reason}")))) + ")";
}
