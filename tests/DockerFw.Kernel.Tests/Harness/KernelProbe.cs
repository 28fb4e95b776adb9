using System.Text.RegularExpressions;

namespace DockerFw.Kernel.Tests.Harness;

/// <summary>Loads rulesets into the router and sends probes through it, one at a time.</summary>
internal static partial class KernelProbe
{
    private const string EmptyTables = """
        *raw
        :PREROUTING ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT

        """;

    private const string Section = "----dfwk----";

    /// <summary>Replaces the router's whole iptables ruleset (tables the text omits end up empty).</summary>
    public static void Load(Topology topology, string ruleset)
    {
        topology.Router.ExecWithInput(EmptyTables, "iptables-restore").EnsureOk();
        var load = topology.Router.ExecWithInput(ruleset, "iptables-restore");
        if (!load.Ok)
            throw new InvalidOperationException($"iptables-restore refused the ruleset: {load.Error.Trim()}\n{ruleset}");
        topology.LastTransmitted = Snapshot(topology).Transmitted;
    }

    public static ProbeOutcome Send(Topology topology, Probe probe)
    {
        var sender = probe.From?.Netns ?? topology.Router;
        sender.ExecBounded(TimeSpan.FromSeconds(5), SendCommand(probe));
        // A datagram can still be on its way through the veth queues when the sender returns.
        Thread.Sleep(30);
        var (counted, delivered, transmitted) = Snapshot(topology);
        var arrivedAt = topology.Endpoints
            .Where(e => transmitted[e.RouterPort] > topology.LastTransmitted[e.RouterPort])
            .Select(e => e.Label)
            .Prepend(delivered ? ProbeOutcome.Router : null)
            .OfType<string>()
            .ToList();
        topology.LastTransmitted = transmitted;
        return new ProbeOutcome(counted, arrivedAt.Count == 0 ? null : string.Join('+', arrivedAt));
    }

    private static string[] SendCommand(Probe probe)
    {
        var bind = probe.From is null ? new[] { "-s", probe.Source.ToString() } : [];
        return probe.Protocol switch
        {
            // With -w0 nc gives up on input that is not there yet: a here-document (or a file) is there before it starts.
            "udp" when probe.Payload is { } bytes =>
                ["sh", "-c", $"f=$(mktemp); printf '{string.Concat(bytes.Select(b => $"\\{Convert.ToString(b, 8).PadLeft(3, '0')}"))}' >$f; nc -u -w0 {string.Join(' ', bind)} -p {probe.SourcePort} {probe.To} {probe.DestinationPort} <$f; rm -f $f"],
            "udp" => ["sh", "-c", $"nc -u -w0 {string.Join(' ', bind)} -p {probe.SourcePort} {probe.To} {probe.DestinationPort} <<EOF\nx\nEOF"],
            // Nothing ever answers the SYN; stopping before the 1 s retransmission keeps it one packet.
            "tcp" => ["timeout", "0.3", "nc", "-w1", .. bind, "-p", probe.SourcePort.ToString(), probe.To.ToString(), probe.DestinationPort.ToString()],
            "icmp" => ["timeout", "0.3", "busybox", "ping", "-c1", "-W1", .. (probe.From is null ? new[] { "-I", probe.Source.ToString() } : []), probe.To.ToString()],
            _ => throw new ArgumentException($"no probe for protocol {probe.Protocol}"),
        };
    }

    /// <summary>
    /// One look at the router, all from inside it: the rules counted since the last look (counters
    /// are zeroed right after reading), whether anything was delivered locally, and how many packets
    /// each port has sent to its endpoint (a veth hands every packet it sends to its peer).
    /// </summary>
    private static (IReadOnlySet<CountedRule> Counted, bool Delivered, IReadOnlyDictionary<string, ulong> Transmitted) Snapshot(Topology topology)
    {
        var ports = string.Join(' ', topology.Endpoints.Select(e => e.RouterPort));
        var script = $"""
            iptables-save -c
            echo {Section}
            nft reset counter ip dfwk delivered
            echo {Section}
            for port in {ports}; do echo $port $(cat /sys/class/net/$port/statistics/tx_packets); done
            for table in raw mangle nat filter; do iptables -t $table -Z; done
            """;
        var sections = topology.Router.Exec("sh", "-e", "-c", script).EnsureOk().Out.Split(Section + "\n");
        var counted = RuleCounters.PacketsOf(sections[0]).Where(kv => kv.Value > 0).Select(kv => kv.Key).ToHashSet();
        var delivered = ulong.Parse(CounterPackets().Match(sections[1]).Groups[1].Value) > 0;
        var transmitted = sections[2].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(p => p[0], p => ulong.Parse(p[1]));
        return (counted, delivered, transmitted);
    }

    [GeneratedRegex(@"packets (\d+)")]
    private static partial Regex CounterPackets();
}
