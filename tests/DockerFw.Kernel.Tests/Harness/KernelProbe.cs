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
        topology.Router.ExecWithInput(EmptyTables, "iptables-restore").EnsureSuccess();
        var load = topology.Router.ExecWithInput(ruleset, "iptables-restore");
        if (!load.Succeeded)
            throw new InvalidOperationException($"iptables-restore refused the ruleset: {load.Stderr.Trim()}\n{ruleset}");
    }

    public static ProbeOutcome Send(Topology topology, Probe probe)
    {
        Command.Run("sh", ["-e", "-c", ZeroScript(topology)]).EnsureSuccess();
        var sender = probe.From?.Netns ?? topology.Router;
        sender.ExecBounded(TimeSpan.FromSeconds(5), SendCommand(probe));
        // A datagram can still be on its way through the veth queues when the sender returns.
        Thread.Sleep(30);
        return Read(topology, Command.Run("sh", ["-e", "-c", ReadScript(topology)]).EnsureSuccess().Stdout, probe.Protocol);
    }

    private static string[] SendCommand(Probe probe)
    {
        var bind = probe.From is null ? new[] { "-s", probe.Source.ToString() } : [];
        return probe.Protocol switch
        {
            // With -w0 nc gives up on input that is not there yet: a here-document is there before it starts.
            "udp" => ["sh", "-c", $"nc -u -w0 {string.Join(' ', bind)} -p {probe.SourcePort} {probe.To} {probe.DestinationPort} <<EOF\nx\nEOF"],
            // Nothing ever answers the SYN; stopping before the 1 s retransmission keeps it one packet.
            "tcp" => ["timeout", "0.3", "nc", "-w1", .. bind, "-p", probe.SourcePort.ToString(), probe.To.ToString(), probe.DestinationPort.ToString()],
            "icmp" => ["timeout", "0.3", "busybox", "ping", "-c1", "-W1", .. (probe.From is null ? new[] { "-I", probe.Source.ToString() } : []), probe.To.ToString()],
            _ => throw new ArgumentException($"no probe for protocol {probe.Protocol}"),
        };
    }

    private static string ZeroScript(Topology topology) =>
        $"ip netns exec {topology.Router.Name} sh -c 'for t in raw mangle nat filter; do iptables -t $t -Z; done; nft reset counter ip dfwk delivered >/dev/null'\n" +
        string.Join('\n', topology.Endpoints.Select(e => $"ip netns exec {e.Netns.Name} iptables -t raw -Z"));

    private static string ReadScript(Topology topology) =>
        $"ip netns exec {topology.Router.Name} iptables-save -c\necho {Section}\n" +
        $"ip netns exec {topology.Router.Name} nft list counter ip dfwk delivered\n" +
        string.Join('\n', topology.Endpoints.Select(e => $"echo {Section}\nip netns exec {e.Netns.Name} iptables-save -c -t raw"));

    private static ProbeOutcome Read(Topology topology, string output, string protocol)
    {
        var sections = output.Split(Section + "\n");
        var counted = RuleCounters.PacketsOf(sections[0]).Where(kv => kv.Value > 0).Select(kv => kv.Key).ToHashSet();
        var arrivedAt = ulong.Parse(CounterPackets().Match(sections[1]).Groups[1].Value) > 0 ? ProbeOutcome.Router : null;
        for (var i = 0; i < topology.Endpoints.Count; i++)
        {
            // The endpoint's raw PREROUTING counts tcp, udp, icmp in rules 1, 2, 3.
            var rule = new CountedRule("raw", "PREROUTING", protocol switch { "tcp" => 1, "udp" => 2, _ => 3 });
            if (RuleCounters.PacketsOf(sections[i + 2]).GetValueOrDefault(rule) > 0)
                arrivedAt = arrivedAt is null ? topology.Endpoints[i].Label : $"{arrivedAt}+{topology.Endpoints[i].Label}";
        }
        return new ProbeOutcome(counted, arrivedAt);
    }

    [GeneratedRegex(@"packets (\d+)")]
    private static partial Regex CounterPackets();
}
