using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// Connection marks with real connections: a router with an uplink (<c>uplink0</c>, an outside host
/// behind it) and a bridge (<c>br0</c>, br_netfilter on) holding a server and a client, as a Docker host
/// has. Each case loads CONNMARK rules and asks the kernel whether TCP connections complete (and a UDP
/// datagram arrives) from outside to the server, from the client to outside and from the client to the
/// server across the bridge; the symbolic engine's verdict for each connection's first packet (NEW) and
/// the tracer's for the whole connection (<see cref="ConnectionEvaluator"/>, which carries the connection
/// mark from the opening to its replies and later packets) must say the same.
/// </summary>
public sealed class ConnectionMarkKernelTests
{
    private const string Outside = "10.214.1.2";
    private const string Server = "10.214.3.2";
    private const string Client = "10.214.3.3";

    // The connections asked: (from, to, in, out), with the namespace each starts in.
    private static readonly (string Label, string From, string To, string In, string Out)[] Connections =
    [
        ("outside->server", Outside, Server, "uplink0", "br0"),
        ("client->outside", Client, Outside, "br0", "uplink0"),
        ("client->server", Client, Server, "br0", "br0"),
    ];

    public static TheoryData<string, string, string, string, string> Cases => new()
    {
        // The oracle's twelfth stream: the connections the uplink opens are marked, DOCKER-USER drops the mark.
        // Replies to the client's own connections come in by the uplink ESTABLISHED: their connection's mark is 0.
        {
            "new-from-uplink",
            """
            mangle -A PREROUTING -i uplink0 -m conntrack --ctstate NEW -j CONNMARK --set-mark 0x20
            filter -A FORWARD -j DOCKER-USER
            filter -A DOCKER-USER -m connmark --mark 0x20 -j DROP
            """,
            "blocked reachable reachable", "drop accept accept", "maybe maybe maybe"
        },
        // Every packet from the uplink is marked and the mark saved: a reply from outside marks its
        // connection and dies, so the client's connections out are one-way; the engine decides the
        // reply too (the walk sets all the bits it reads).
        {
            "save-mark",
            """
            mangle -A PREROUTING -i uplink0 -j MARK --set-mark 0x4
            mangle -A PREROUTING -j CONNMARK --save-mark
            filter -A FORWARD -m connmark --mark 0x4 -j DROP
            """,
            "blocked one-way reachable", "drop accept accept", "accept drop accept"
        },
        // The uplink's connections are marked on their first packet; restoring gives every packet of
        // them the packet mark that the filter drops.
        {
            "restore-mark",
            """
            mangle -A PREROUTING -i uplink0 -m conntrack --ctstate NEW -j CONNMARK --set-mark 0x8
            mangle -A FORWARD -j CONNMARK --restore-mark
            filter -A FORWARD -m mark --mark 0x8 -j DROP
            """,
            "blocked reachable reachable", "drop accept accept", "maybe maybe maybe"
        },
        // The opening passes and marks its connection; its later packets and replies meet the mark.
        {
            "later-packets",
            """
            mangle -A PREROUTING -i uplink0 -m conntrack --ctstate NEW -j CONNMARK --set-mark 0x20
            filter -A FORWARD -m conntrack --ctstate ESTABLISHED -m connmark --mark 0x20 -j DROP
            """,
            "one-way reachable reachable", "accept accept accept", "maybe maybe maybe"
        },
    };

    /// <param name="kernel">Per connection: blocked (the SYN dies), one-way (it passes, the reply dies) or reachable.</param>
    /// <param name="opening">Per connection: the symbolic engine's verdict for its first packet.</param>
    /// <param name="reply">
    /// Per connection: the symbolic engine's verdict for its replies asked alone (ESTABLISHED, the way back):
    /// decided only where the walk sets every bit the rules read (save-mark's replies from the uplink); the
    /// mark a reply finds is what its connection's packets left, which the question does not carry (docs/symbolic.md, Limits).
    /// </param>
    [KernelTheory]
    [MemberData(nameof(Cases))]
    public void The_kernel_the_tracer_and_the_symbolic_engine_agree_on_connections_by_their_marks(string name, string rules, string kernel, string opening, string reply)
    {
        using var host = new BridgeHost();
        var text = RulesetText.Build(rules.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        host.Load(text);
        var ruleset = IptablesSaveReader.Read(text, $"{name}.iptables-save", IpFamily.V4).Value!;
        var (kernels, openings, replies) = (kernel.Split(' '), opening.Split(' '), reply.Split(' '));
        for (var i = 0; i < Connections.Length; i++)
        {
            var (label, from, to, inDevice, outDevice) = Connections[i];
            var first = new Packet(IpFamily.V4, Value(from), Value(to), Protocol.Tcp, SourcePort: 40000, DestinationPort: 80,
                InInterface: inDevice, OutInterface: outDevice);
            var expected = kernels[i] switch { "blocked" => Reachability.Blocked, "one-way" => Reachability.OneWay, _ => Reachability.Reachable };

            Assert.True(expected == Measured(host, from, to), $"{name} {label}: the kernel differs from {kernels[i]}");
            Assert.True(expected == ConnectionEvaluator.Evaluate(ruleset, first, PacketPath.Forward).Reachability, $"{name} {label}: the tracer");
            var query = new ReachQuery(PacketPath.Forward) { In = new(inDevice), Out = new(outDevice), State = ConntrackStates.New, Opening = true };
            var symbolic = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces), query).RegionOf(first)!.Verdict;
            Assert.True(openings[i] == Word(symbolic), $"{name} {label}: symbolic {symbolic}");

            var back = new ReachQuery(PacketPath.Forward) { In = new(outDevice), Out = new(inDevice), State = ConntrackStates.Established };
            var answer = first with { Source = first.Destination, Destination = first.Source, SourcePort = 80, DestinationPort = 40000,
                InInterface = outDevice, OutInterface = inDevice, State = ConntrackStates.Established, TcpFlags = TcpFlags.Syn | TcpFlags.Ack };
            var replied = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, back.Interfaces), back).RegionOf(answer)!.Verdict;
            Assert.True(replies[i] == Word(replied), $"{name} {label}: symbolic reply {replied}");
        }
    }

    [KernelFact]
    public void A_udp_datagram_from_the_uplink_is_dropped_by_its_new_connections_mark_and_one_from_the_bridge_is_not()
    {
        using var host = new BridgeHost();
        var text = RulesetText.Build(
        [
            "mangle -A PREROUTING -i uplink0 -m conntrack --ctstate NEW -j CONNMARK --set-mark 0x20",
            "filter -A FORWARD -m connmark --mark 0x20 -j DROP",
        ]);
        host.Load(text);
        var ruleset = IptablesSaveReader.Read(text, "udp.iptables-save", IpFamily.V4).Value!;
        var query = new ReachQuery(PacketPath.Forward) { Protocol = Protocol.FromNumber(Protocol.Udp), State = ConntrackStates.New, Out = new("br0") };
        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, [.. query.Interfaces, new("uplink0")]), query);

        foreach (var (from, inDevice, arrives) in new[] { (Outside, "uplink0", false), (Client, "br0", true) })
        {
            var datagram = new Packet(IpFamily.V4, Value(from), Value(Server), Protocol.Udp, SourcePort: 40001, DestinationPort: 5353,
                InInterface: inDevice, OutInterface: "br0");
            Assert.Equal(arrives ? ReachVerdict.Accept : ReachVerdict.Drop, result.RegionOf(datagram)!.Verdict);
            Assert.Equal(arrives, host.DatagramArrives(from == Outside ? "outside" : "client", Server));
        }
    }

    private static string Word(ReachVerdict verdict) => verdict switch
    {
        ReachVerdict.Drop => "drop",
        ReachVerdict.Accept => "accept",
        _ => "maybe",
    };

    private static Reachability Measured(BridgeHost host, string from, string to)
    {
        host.ZeroCounters();
        if (host.Connects(from == Outside ? "outside" : "client", to)) return Reachability.Reachable;
        // The SYN crossed (the far side counted it in INPUT) but no connection came of it: its reply died.
        return host.SynsArrived(to == Outside ? "outside" : "server") > 0 ? Reachability.OneWay : Reachability.Blocked;
    }

    private static UInt128 Value(string address) => IpAddressValue.Parse(address, IpFamily.V4);
}
