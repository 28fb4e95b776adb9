using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// raw runs before conntrack, so a state match there sees INVALID (UNTRACKED after NOTRACK) whatever
/// state the packet will have: the kernel cases pin it, and both engines follow it.
/// </summary>
public sealed class BeforeConntrackTests
{
    [Theory]
    // A DROP of NEW packets in raw never matches: every packet reads INVALID there.
    [InlineData("-A PREROUTING -m conntrack --ctstate NEW -j DROP", ConntrackStates.New, ReachVerdict.Accept)]
    // A DROP of INVALID packets in raw matches every packet, established ones too.
    [InlineData("-A PREROUTING -m conntrack --ctstate INVALID -j DROP", ConntrackStates.Established, ReachVerdict.Drop)]
    // After NOTRACK the packet reads UNTRACKED, not INVALID.
    [InlineData("-A PREROUTING -j CT --notrack\n-A PREROUTING -m state --state INVALID -j DROP", ConntrackStates.New, ReachVerdict.Accept)]
    [InlineData("-A PREROUTING -j CT --notrack\n-A PREROUTING -m conntrack --ctstate UNTRACKED -j DROP", ConntrackStates.New, ReachVerdict.Drop)]
    public void State_matches_in_raw_see_the_packet_before_conntrack(string raw, ConntrackStates state, ReachVerdict expected)
    {
        var ruleset = IptablesSaveReader.Read($"*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n{raw}\nCOMMIT\n", "raw.rules").Value!;
        var packet = new Packet(IpFamily.V4, IpAddressValue.Parse("10.0.0.2", IpFamily.V4), IpAddressValue.Parse("10.0.1.2", IpFamily.V4), 17,
            SourcePort: 5000, DestinationPort: 53, InInterface: "eth0", OutInterface: "eth1", State: state);
        var query = new ReachQuery(PacketPath.Forward) { In = new("eth0"), Out = new("eth1"), State = state };

        var region = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces), query).RegionOf(packet)!;
        var trace = PacketTracer.Trace(ruleset, packet, PacketPath.Forward);

        Assert.Equal(expected, region.Verdict);
        Assert.Equal(expected == ReachVerdict.Accept ? PacketVerdict.Accept : PacketVerdict.Drop, trace.Verdict);
    }
}
