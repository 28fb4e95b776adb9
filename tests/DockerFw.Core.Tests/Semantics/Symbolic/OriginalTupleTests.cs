using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// <c>-m conntrack --ctorigdst/--ctorigdstport</c>: a NEW packet created its connection, so the
/// original tuple is the packet as it arrived, before DNAT; in any other state it is not the packet's.
/// </summary>
public sealed class OriginalTupleTests
{
    private const string Published = """
        *nat
        :PREROUTING ACCEPT [0:0]
        -A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.19.0.2:80
        COMMIT
        *filter
        :FORWARD ACCEPT [0:0]
        -A FORWARD -d 172.19.0.2/32 -p tcp -m conntrack {0} --ctorigdstport 8080 -m tcp --dport 80 -j DROP
        COMMIT

        """;

    [Fact]
    public void A_rule_on_new_packets_sees_the_port_they_arrived_on_before_dnat()
    {
        var result = Reach("--ctstate NEW");

        Assert.Equal(ReachVerdict.Drop, result.RegionOf(Tcp("198.51.100.1", 8080))!.Verdict);
        Assert.Equal(ReachVerdict.Accept, result.RegionOf(Tcp("172.19.0.2", 80))!.Verdict);
    }

    [Fact]
    public void Without_the_new_state_the_original_tuple_is_not_the_packets_and_stays_undecided()
    {
        var result = Reach("");

        Assert.Equal(ReachVerdict.Maybe, result.RegionOf(Tcp("172.19.0.2", 80))!.Verdict);
    }

    private static ReachResult Reach(string state)
    {
        var ruleset = IptablesSaveReader.Read(string.Format(Published, state), "published", IpFamily.V4).Value!;
        var query = new ReachQuery(PacketPath.Forward) { In = new("eth0"), Out = new("br-b"), State = ConntrackStates.New };
        return SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces), query);
    }

    private static Packet Tcp(string dst, int dport) => new(IpFamily.V4, IpAddressValue.Parse("203.0.113.9", IpFamily.V4),
        IpAddressValue.Parse(dst, IpFamily.V4), Protocol.Tcp, SourcePort: 40000, DestinationPort: dport, InInterface: "eth0", OutInterface: "br-b");
}
