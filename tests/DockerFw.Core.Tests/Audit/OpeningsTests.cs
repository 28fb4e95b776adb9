using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The packets a connection question asks about (oracle F32): TCP's opening SYN among NEW packets, and
/// among a connection's replies TCP's with ACK; the other protocols as they were, and the box TCP
/// shares with them narrowed, never cut in two (so hosts whose rules test no flags are walked and
/// reported in the same boxes).
/// </summary>
public sealed class OpeningsTests
{
    private static readonly PacketSpace Space = new(IpFamily.V4, InterfaceAlphabet.Of([], []));

    [Fact]
    public void Among_new_packets_TCP_opens_with_a_bare_SYN_and_the_other_protocols_stay_whole()
    {
        var universe = Space.Universe(PacketPath.Forward);

        var opening = Openings.Of(universe);

        Assert.Equal(universe.Boxes.Length, opening.Boxes.Length);
        var ported = Assert.Single(opening.Boxes, b => b[Dimension.Proto].Contains((UInt128)Protocol.Tcp));
        Assert.Equal(FlagsOrder.Of([(int)TcpFlags.Syn]), ported[Dimension.TcpFlags]);
        Assert.True(ported[Dimension.Proto].Contains((UInt128)Protocol.Udp), "UDP keeps the box it shares with TCP");
        var before = universe.Boxes.Where(b => !b[Dimension.Proto].Contains((UInt128)Protocol.Tcp)).ToList();
        var after = opening.Boxes.Where(b => !b[Dimension.Proto].Contains((UInt128)Protocol.Tcp)).ToList();
        Assert.Equal(before.Count, after.Count);
        Assert.All(before.Zip(after), x => Assert.All(Enum.GetValues<Dimension>(), d => Assert.True(x.First[d].Equals(x.Second[d]), $"{d} of ICMP and the rest unchanged")));
    }

    [Theory]
    [InlineData("SYN,ACK", true)]
    [InlineData("ACK", true)]
    [InlineData("FIN,ACK", true)]
    [InlineData("PSH,ACK", true)]
    [InlineData("FIN,PSH,ACK", true)]
    [InlineData("ACK,ECE", true)]
    [InlineData("SYN,ACK,ECE,CWR", true)]
    // A RST ends a connection that is over; the hardening guides' combinations never open or carry one.
    [InlineData("RST,ACK", false)]
    [InlineData("SYN,RST,ACK", false)]
    [InlineData("FIN,RST,ACK", false)]
    [InlineData("URG,ACK", false)]
    [InlineData("SYN", false)]
    [InlineData("FIN", false)]
    public void A_connections_segments_after_its_syn_are_the_ones_it_needs(string flags, bool reply)
    {
        var value = flags.Split(',').Aggregate(0, (v, f) => v | (int)Enum.Parse<TcpFlags>(f, ignoreCase: true));

        Assert.Equal(reply, Openings.ReplyFlags.Contains((UInt128)FlagsOrder.Encode(value)));
    }
}
