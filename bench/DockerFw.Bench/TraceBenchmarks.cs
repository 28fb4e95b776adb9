using System.Text;
using BenchmarkDotNet.Attributes;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Bench;

/// <summary>
/// Tracing one packet through a 100,000-rule dump after it is loaded (goal: under 1 ms).
/// The dump has kube-proxy's nat shape (a long KUBE-SERVICES list, per-service chains balancing
/// with <c>-m statistic</c>, per-endpoint DNAT) and a long Docker-like filter chain, so a packet to
/// the last service walks the whole list and forks once per endpoint.
/// </summary>
[MemoryDiagnoser]
public class TraceBenchmarks
{
    private const int Rules = 100_000;
    private Ruleset _ruleset = null!;
    private CompiledRuleset _compiled = null!;
    private Packet _toLastService = null!;
    private Packet _toNothing = null!;
    private Packet _toLastContainer = null!;
    private CompiledRuleset _kubeProxy = null!;
    private Packet _toLastKubeService = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (text, lastService, lastContainer) = TraceDump.Generate(Rules);
        _ruleset = IptablesSaveReader.Read(text, "trace-bench.rules").Value!;
        var count = _ruleset.Rules.Count();
        if (count != Rules) throw new InvalidOperationException($"generated {count} rules, wanted {Rules}");
        _compiled = CompiledRuleset.Compile(_ruleset);
        _toLastService = Tcp("10.244.0.9", lastService.Address, lastService.Port, "eth0", "cni0");
        _toNothing = Tcp("198.51.100.7", "203.0.113.1", 443, "eth0", "eth1");
        _toLastContainer = Tcp("198.51.100.7", lastContainer, 80, "eth0", "docker0");

        // The reader's kube-proxy dump (the 100,000-rule benchmark input), aimed at its last service.
        var kube = IptablesSaveReader.Read(KubeProxyDump.Generate(Rules), "kube-proxy.rules").Value!;
        _kubeProxy = CompiledRuleset.Compile(kube);
        var last = kube["nat"]!["KUBE-SERVICES"]!.Rules.Last(r => r.Matches.OfType<AddressMatch>().Any());
        var service = last.Matches.OfType<AddressMatch>().Single().Value.Address;
        var port = last.Matches.OfType<PortMatch>().Single().Range.First;
        _toLastKubeService = Tcp("10.244.0.9", IpAddressValue.Format(service, IpFamily.V4), port, "eth0", "cni0");
    }

    [Benchmark(Description = "trace: kube-proxy dump (KubeProxyDump), packet to its last service")]
    public TraceResult KubeProxyLastService() => PacketTracer.Trace(_kubeProxy, _toLastKubeService, PacketPath.Forward);

    [Benchmark(Description = "trace: packet to the last of 6,000 services (walks KUBE-SERVICES, forks per endpoint)")]
    public TraceResult LastService() => PacketTracer.Trace(_compiled, _toLastService, PacketPath.Forward);

    [Benchmark(Description = "trace: packet no rule matches (every rule of its path tested)")]
    public TraceResult NoMatch() => PacketTracer.Trace(_compiled, _toNothing, PacketPath.Forward);

    [Benchmark(Description = "trace: packet to the last container (walks the 52,000-rule DOCKER chain)")]
    public TraceResult LastContainer() => PacketTracer.Trace(_compiled, _toLastContainer, PacketPath.Forward);

    [Benchmark(Description = "load: compile the 100,000-rule ruleset for tracing")]
    public CompiledRuleset Compile() => CompiledRuleset.Compile(_ruleset);

    private static Packet Tcp(string from, string to, int port, string @in, string @out) =>
        new(IpFamily.V4, IpAddressValue.Parse(from, IpFamily.V4), IpAddressValue.Parse(to, IpFamily.V4), Protocol.Tcp, 40000, port,
            InInterface: @in, OutInterface: @out, State: ConntrackStates.New);
}

/// <summary>The benchmark's dump: kube-proxy nat plus a Docker-like filter table, exactly N rules.</summary>
internal static class TraceDump
{
    public static (string Text, (string Address, int Port) LastService, string LastContainer) Generate(int rules)
    {
        var nat = new StringBuilder();
        var natChains = new List<string> { "KUBE-MARK-MASQ", "KUBE-POSTROUTING", "KUBE-SERVICES" };
        var body = new StringBuilder();
        body.Append("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        body.Append("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n");
        body.Append("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n");
        body.Append("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n");
        body.Append("-A KUBE-POSTROUTING -j MASQUERADE --random-fully\n");
        var count = 5;
        var services = 6_000;
        var perService = new StringBuilder();
        (string, int) last = default;
        for (var i = 0; i < services; i++)
        {
            var address = $"10.96.{i / 250}.{i % 250 + 1}";
            var port = 80 + i % 1000;
            var endpoints = 1 + i % 3;
            var svc = $"KUBE-SVC-{i:D8}";
            natChains.Add(svc);
            body.Append($"-A KUBE-SERVICES -d {address}/32 -p tcp -m comment --comment \"ns/svc-{i}\" -m tcp --dport {port} -j {svc}\n");
            perService.Append($"-A {svc} ! -s 10.244.0.0/16 -d {address}/32 -p tcp -m tcp --dport {port} -j KUBE-MARK-MASQ\n");
            count += 2;
            for (var e = 0; e < endpoints; e++)
            {
                var sep = $"KUBE-SEP-{i:D8}-{e}";
                natChains.Add(sep);
                var probability = endpoints - e > 1 ? $" -m statistic --mode random --probability {1.0 / (endpoints - e):F11}" : "";
                perService.Append($"-A {svc}{probability} -j {sep}\n");
                var endpoint = $"10.244.{(i * 3 + e) / 250 % 256}.{(i * 3 + e) % 250 + 1}";
                perService.Append($"-A {sep} -s {endpoint}/32 -j KUBE-MARK-MASQ\n");
                perService.Append($"-A {sep} -p tcp -m tcp -j DNAT --to-destination {endpoint}:8080\n");
                count += 3;
            }

            last = (address, port);
        }

        nat.Append("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
        foreach (var chain in natChains.Order(StringComparer.Ordinal)) nat.Append($":{chain} - [0:0]\n");
        nat.Append(body).Append(perService).Append("COMMIT\n");

        var filter = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n");
        filter.Append("-A FORWARD -j DOCKER-USER\n-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
        filter.Append("-A FORWARD -o docker0 -j DOCKER\n-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\n-A DOCKER-USER -j RETURN\n");
        count += 5;
        var container = "";
        for (var i = 0; count < rules; i++, count++)
        {
            container = $"172.{16 + i / 65000}.{i / 250 % 260 % 256}.{i % 250 + 2}";
            filter.Append($"-A DOCKER -d {container}/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT\n");
        }

        filter.Append("COMMIT\n");
        return (nat.ToString() + filter, last, container);
    }
}
