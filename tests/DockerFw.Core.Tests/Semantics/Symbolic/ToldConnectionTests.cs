using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// A question that knows its ESTABLISHED packets' connection tells the walk (<see cref="ToldConnection"/>):
/// a reply travels in the REPLY direction, a request's later packet in the ORIGINAL one, and the original
/// tuple is the opening's. Docker's documented <c>--ctorigdstport 8080 --ctdir ORIGINAL -j DROP</c> is then
/// decided on them, as the kernel decides it (ConnectionDirectionKernelTests); a packet of unknown origin
/// stays in doubt.
/// </summary>
public sealed class ToldConnectionTests
{
    private const string Host = "198.51.100.1";
    private const string Client = "203.0.113.9";
    private const string Server = "172.19.0.2";

    private const string Published = """
        *nat
        :PREROUTING ACCEPT [0:0]
        -A PREROUTING -d 198.51.100.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.19.0.2:80
        COMMIT
        *filter
        :FORWARD ACCEPT [0:0]
        -A FORWARD -p tcp -m conntrack {0} -j DROP
        COMMIT

        """;

    // The published connection's original tuple: the client to the host's 8080.
    private static readonly ToldConnection PublishedReplies = ToldConnection.Replies
        .Knowing(Dimension.Dst, Single(Host)).Knowing(Dimension.Dport, IntervalSet.Single(8080));

    private static readonly ToldConnection PublishedLater = ToldConnection.Original
        .Knowing(Dimension.Dst, Single(Host)).Knowing(Dimension.Dport, IntervalSet.Single(8080));

    [Theory]
    [InlineData("--ctorigdstport 8080 --ctdir ORIGINAL", ReachVerdict.Drop, ReachVerdict.Accept)]
    [InlineData("--ctorigdstport 8080 --ctdir REPLY", ReachVerdict.Accept, ReachVerdict.Accept)]
    [InlineData("--ctorigdstport 80 --ctdir ORIGINAL", ReachVerdict.Accept, ReachVerdict.Drop)]
    [InlineData("--ctorigdst 198.51.100.1", ReachVerdict.Drop, ReachVerdict.Accept)]
    public void A_requests_later_packets_travel_the_original_way_with_the_tuple_they_opened_with(string conditions, ReachVerdict published, ReachVerdict direct)
    {
        // As FORWARD sees them: DNATed to the server, whose address and port the tuple does not hold.
        var rules = Compile(conditions, "eth0", "br-b");
        var later = Established(Client, 40000, Server, 80, "eth0", "br-b");

        Assert.Equal(published, SymbolicEngine.ReachAfterRouting(rules, Query(rules, later), PublishedLater).RegionOf(later)!.Verdict);
        Assert.Equal(direct, SymbolicEngine.ReachAfterRouting(rules, Query(rules, later), ToldConnection.Original).RegionOf(later)!.Verdict);
    }

    [Theory]
    [InlineData("--ctorigdstport 8080 --ctdir ORIGINAL", ReachVerdict.Accept, ReachVerdict.Accept)]
    [InlineData("--ctorigdstport 8080 --ctdir REPLY", ReachVerdict.Drop, ReachVerdict.Accept)]
    [InlineData("--ctdir REPLY", ReachVerdict.Drop, ReachVerdict.Drop)]
    [InlineData("--ctorigsrc 203.0.113.0/24 --ctorigsrcport 40000", ReachVerdict.Drop, ReachVerdict.Drop)]
    [InlineData("--ctorigsrcport 40001", ReachVerdict.Accept, ReachVerdict.Accept)]
    public void A_reply_travels_the_reply_way_and_its_original_tuple_is_the_openings(string conditions, ReachVerdict published, ReachVerdict direct)
    {
        // The server's answer to the client's source port: the tuple's source is the reply's destination.
        var rules = Compile(conditions, "br-b", "eth0");
        var reply = Established(Server, 80, Client, 40000, "br-b", "eth0");

        Assert.Equal(published, SymbolicEngine.Reach(rules, PacketPath.Forward, Query(rules, reply), PublishedReplies).RegionOf(reply)!.Verdict);
        Assert.Equal(direct, SymbolicEngine.Reach(rules, PacketPath.Forward, Query(rules, reply), ToldConnection.Replies).RegionOf(reply)!.Verdict);
    }

    [Fact]
    public void A_packet_of_unknown_origin_stays_in_doubt()
    {
        var rules = Compile("--ctorigdstport 8080 --ctdir ORIGINAL", "br-b", "eth0");
        var reply = Established(Server, 80, Client, 40000, "br-b", "eth0");

        Assert.Equal(ReachVerdict.Maybe, SymbolicEngine.Reach(rules, PacketPath.Forward, Query(rules, reply)).RegionOf(reply)!.Verdict);
    }

    [Fact]
    public void A_tuple_field_known_only_among_values_the_rule_tells_apart_stays_in_doubt()
    {
        var rules = Compile("--ctorigdstport 8080 --ctdir REPLY", "br-b", "eth0");
        var reply = Established(Server, 80, Client, 40000, "br-b", "eth0");
        var eitherPort = ToldConnection.Replies.Knowing(Dimension.Dport, IntervalSet.Range(8080, 8081));

        Assert.Equal(ReachVerdict.Maybe, SymbolicEngine.Reach(rules, PacketPath.Forward, Query(rules, reply), eitherPort).RegionOf(reply)!.Verdict);
    }

    [Fact]
    public void A_related_packet_keeps_its_doubt_whatever_the_question_tells()
    {
        // An ICMP error or a helper's child connection: its direction is not the question's.
        var rules = Compile("--ctdir REPLY", "br-b", "eth0");
        var related = Established(Server, 80, Client, 40000, "br-b", "eth0") with { State = ConntrackStates.Related };
        var query = Query(rules, related);

        Assert.Equal(ReachVerdict.Maybe, SymbolicEngine.Reach(rules, PacketPath.Forward, query, ToldConnection.Replies).RegionOf(related)!.Verdict);
    }

    private static SymbolicRuleset Compile(string conditions, string inInterface, string outInterface)
    {
        var ruleset = IptablesSaveReader.Read(string.Format(Published, conditions), "published", IpFamily.V4).Value!;
        return SymbolicRuleset.Compile(ruleset, [new(inInterface), new(outInterface)]);
    }

    /// <summary>The one packet, as a set.</summary>
    private static PacketSet Query(SymbolicRuleset rules, Packet packet)
    {
        var (point, mark) = rules.Space.PointOf(packet);
        return new([new Box([.. point.Select(v => IntervalSet.Single(v))], BitCubeSet.Single(mark))]);
    }

    private static UInt128 Address(string a) => IpAddressValue.Parse(a, IpFamily.V4);

    private static IntervalSet Single(string a) => IntervalSet.Single(Address(a));

    private static Packet Established(string src, int sport, string dst, int dport, string inInterface, string outInterface) => new(IpFamily.V4,
        Address(src), Address(dst), Protocol.Tcp, SourcePort: sport, DestinationPort: dport,
        InInterface: inInterface, OutInterface: outInterface, State: ConntrackStates.Established, TcpFlags: TcpFlags.Ack);
}
