using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Semantics;
using DockerFw.Tests.Semantics.Symbolic;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>
/// nft's <c>tcp flags</c> without a mask, as <c>nft -j list ruleset</c> (nftables 1.0.6) gives them:
/// <c>tcp flags == syn</c> is <c>"op": "=="</c> and compares the whole byte (bytecode <c>cmp eq
/// 0x02</c>); bare <c>tcp flags syn</c> is <c>"op": "in"</c>, any named flag set (<c>bitwise &amp;
/// 0x02, cmp neq 0</c>). Read exactly, decided by both engines, printed and written as iptables can.
/// </summary>
public sealed class NftUnmaskedTcpFlagsTests
{
    private static string Flags(string op, string right) =>
        """{"match": {"op": "OP", "left": {"payload": {"protocol": "tcp", "field": "flags"}}, "right": RIGHT}}"""
            .Replace("OP", op, StringComparison.Ordinal).Replace("RIGHT", right, StringComparison.Ordinal);

    private static readonly string ExactlySyn = Flags("==", "\"syn\"");
    private static readonly string NotExactlySyn = Flags("!=", "\"syn\"");
    private static readonly string SynSet = Flags("in", "\"syn\"");
    private static readonly string SynOrAckSet = Flags("in", "[\"syn\", \"ack\"]");

    [Fact]
    public void Equal_compares_the_whole_byte_which_only_nft_can_write()
    {
        var rule = OneNftRule.Of(OneNftRule.Host(ExactlySyn));

        var flags = Assert.Single(rule.Matches.OfType<TcpFlagsMatch>());
        Assert.Equal(((TcpFlags)0xFF, TcpFlags.Syn, false), (flags.Mask, flags.Compare, flags.Negated));
        Assert.Equal("-A f -p tcp -m nft --tcp-flags FIN,SYN,RST,PSH,ACK,URG,ECE,CWR SYN -j DROP", IptablesSaveWriter.FormatRule(rule));
        Assert.NotEmpty(IptablesSaveWriter.Unrestorable(OneNftRule.Host(ExactlySyn)));
    }

    [Fact]
    public void A_bare_flag_is_that_flag_set_and_several_are_any_of_them()
    {
        var one = OneNftRule.Of(OneNftRule.Host(SynSet));
        var several = OneNftRule.Of(OneNftRule.Host(SynOrAckSet));

        Assert.Equal("-A f -p tcp -m tcp --tcp-flags SYN SYN -j DROP", IptablesSaveWriter.FormatRule(one));
        Assert.Equal("-A f -p tcp -m tcp ! --tcp-flags SYN,ACK NONE -j DROP", IptablesSaveWriter.FormatRule(several));
        Assert.Empty(IptablesSaveWriter.Unrestorable(OneNftRule.Host(SynOrAckSet)));
    }

    [Theory]
    [InlineData("==", TcpFlags.Syn, PacketVerdict.Drop)]
    [InlineData("==", TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr, PacketVerdict.Accept)]
    [InlineData("==", TcpFlags.Syn | TcpFlags.Ack, PacketVerdict.Accept)]
    [InlineData("!=", TcpFlags.Syn, PacketVerdict.Accept)]
    [InlineData("!=", TcpFlags.Syn | TcpFlags.Ack, PacketVerdict.Drop)]
    [InlineData("in", TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Ece, PacketVerdict.Drop)]
    [InlineData("in", TcpFlags.Ack, PacketVerdict.Accept)]
    public void The_tracer_decides_as_the_kernel_compares(string op, TcpFlags flags, PacketVerdict verdict)
    {
        var packet = Packets.Tcp("10.0.0.1:40000", "10.0.0.2:80", "eth0", "eth1") with { TcpFlags = flags };

        var result = PacketTracer.Trace(OneNftRule.Host(Flags(op, "\"syn\"")), packet, PacketPath.Forward);

        Assert.True(result.Certain);
        Assert.Equal(verdict, result.Verdict);
    }

    public static TheoryData<string> Rules => new() { ExactlySyn, NotExactlySyn, SynSet, SynOrAckSet };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Reach_decides_every_packet_and_the_tracer_agrees(string expr)
    {
        var host = OneNftRule.Host(expr);
        var compiled = SymbolicRuleset.Compile(host);

        var result = SymbolicEngine.Reach(compiled, PacketPath.Forward, compiled.Space.Universe(PacketPath.Forward));

        Assert.DoesNotContain(result.Regions, r => r.Verdict == ReachVerdict.Maybe);
        Assert.Contains(result.Regions, r => r.Verdict == ReachVerdict.Drop);
        Assert.Contains(result.Regions, r => r.Verdict == ReachVerdict.Accept);
        RegionSamples.AssertTracerAgrees(host, compiled, result, 16);
    }
}
