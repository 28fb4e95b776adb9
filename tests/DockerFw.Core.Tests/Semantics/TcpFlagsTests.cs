using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Tests.Semantics;

/// <summary>
/// <c>--tcp-flags MASK COMP</c> in both engines, held to the kernel's test (xt_tcpudp: byte 13 of the
/// TCP header, <c>(th[13] &amp; MASK) == COMP</c>, <c>!</c> inverting the comparison but never the
/// protocol) for every one of the 256 bytes, ECE and CWR included: <c>-A FORWARD -p tcp CONDITION -j DROP</c>
/// under an ACCEPT policy, where the tracer's verdict and reach's region of the packet must be the
/// kernel's.
/// </summary>
public sealed class TcpFlagsTests
{
    private const int Fin = 1, Syn = 2, Rst = 4, Psh = 8, Ack = 16, Urg = 32;

    [Theory]
    [InlineData("--syn", Fin | Syn | Rst | Ack, Syn, false)]
    [InlineData("! --syn", Fin | Syn | Rst | Ack, Syn, true)]
    [InlineData("--tcp-flags FIN,SYN,RST,ACK SYN", Fin | Syn | Rst | Ack, Syn, false)]
    [InlineData("--tcp-flags ALL NONE", 0x3F, 0, false)]
    [InlineData("--tcp-flags ALL FIN,PSH,URG", 0x3F, Fin | Psh | Urg, false)]
    [InlineData("--tcp-flags SYN,ACK SYN,ACK", Syn | Ack, Syn | Ack, false)]
    [InlineData("! --tcp-flags ACK ACK", Ack, Ack, true)]
    [InlineData("--tcp-flags NONE NONE", 0, 0, false)]
    [InlineData("--tcp-flags ACK SYN", Ack, Syn, false)] // SYN outside the mask: no byte
    [InlineData("! --tcp-flags ACK SYN", Ack, Syn, true)]
    public void Every_flags_byte_gets_the_kernels_verdict_from_both_engines(string condition, int mask, int compare, bool negated)
    {
        var dump = $"*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp -m tcp {condition} -j DROP\nCOMMIT";
        var reach = SymbolicEngine.Reach(SymbolicRuleset.Compile(Dump.Read(dump, IpFamily.V4)), new ReachQuery(PacketPath.Forward));
        for (var flags = 0; flags < 256; flags++)
        {
            var packet = Tcp("10.0.0.1:40000", "172.17.0.2:80", "eth0", "docker0") with { TcpFlags = (TcpFlags)flags };
            var kernel = ((flags & mask) == compare) != negated ? "DROP" : "ACCEPT";
            Assert.True(kernel == Traced(dump, packet), $"{condition}, flags 0x{flags:x2}: the tracer says {Traced(dump, packet)}");
            Assert.True(kernel == Verdict(reach, packet), $"{condition}, flags 0x{flags:x2}: reach says {Verdict(reach, packet)}");
        }

        // Only TCP has flags: a negated test holds for no UDP packet either.
        Assert.Equal("ACCEPT", Verdict(reach, Udp("10.0.0.1:40000", "172.17.0.2:80", "eth0", "docker0")));
    }

    [Fact]
    public void The_ufw_docker_recipe_drops_the_syn_of_a_public_client_and_lets_a_mid_stream_new_packet_on()
    {
        // ufw-docker's after.rules: new connections from public sources to private addresses are
        // refused by their SYN; a NEW packet that is not a SYN (conntrack's loose pick-up) passes on.
        var dump = """
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A FORWARD -s 10.0.0.0/8 -j ACCEPT
            -A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 172.16.0.0/12 -j DROP
            COMMIT
            """;
        var rules = SymbolicRuleset.Compile(Dump.Read(dump, IpFamily.V4));
        var query = new ReachQuery(PacketPath.Forward) { Protocol = Protocol.FromNumber(Protocol.Tcp), State = ConntrackStates.New, Source = R("1.2.3.0/24"), Destination = R("172.17.0.2/32") };

        var all = SymbolicEngine.Reach(rules, query);
        var opening = SymbolicEngine.Reach(rules, query with { Opening = true });

        Assert.Equal(["ACCEPT", "DROP"], all.Regions.Select(r => r.Verdict.ToString().ToUpperInvariant()).Order());
        var dropped = Assert.Single(opening.Regions);
        Assert.Equal(ReachVerdict.Drop, dropped.Verdict);
        Assert.Equal(["filter/FORWARD#3"], dropped.Rules.Select(r => $"{r.Table}/{r.Chain}#{r.Number}"));
        var syn = Tcp("1.2.3.4:40000", "172.17.0.2:80", "eth0", "docker0") with { TcpFlags = TcpFlags.Syn };
        Assert.Equal("DROP", Verdict(all, syn));
        Assert.Equal("ACCEPT", Verdict(all, syn with { TcpFlags = TcpFlags.Ack }));
    }

    [Fact]
    public void Regions_split_on_flags_only_where_a_rule_tests_them()
    {
        // No rule tests flags: every box keeps the flags of its part of the query (any for the ported
        // protocols, 0 for the others), so the new dimension cuts nothing.
        var dump = """
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT
            -A FORWARD -p udp -m udp --dport 53 -j ACCEPT
            -A FORWARD -p icmp -j ACCEPT
            COMMIT
            """;
        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(Dump.Read(dump, IpFamily.V4)), new ReachQuery(PacketPath.Forward));
        var full = result.Space.Full(Dimension.TcpFlags);
        Assert.All(result.Regions.SelectMany(r => r.Packets.Boxes), b =>
            Assert.True(b[Dimension.TcpFlags].Equals(full) || b[Dimension.TcpFlags].Equals(IntervalSet.Single(0)), b.ToString()));
    }

    private static AddressMask R(string cidr) => AddressMask.TryParse(cidr, IpFamily.V4, out var m) ? m! : throw new ArgumentException(cidr);

    private static string Traced(string dump, Packet packet)
    {
        var result = PacketTracer.Trace(Dump.Read(dump, IpFamily.V4), packet, PacketPath.Forward);
        return result.Certain ? result.Verdict!.Value.ToString().ToUpperInvariant() : "MAYBE";
    }

    private static string Verdict(ReachResult result, Packet packet) =>
        result.RegionOf(packet)?.Verdict.ToString().ToUpperInvariant() ?? "in no region";
}
