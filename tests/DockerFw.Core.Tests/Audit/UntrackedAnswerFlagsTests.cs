using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The answers to an untracked request meet conntrack with no entry, and TCP's tracker reads their flags
/// from no state (nf_conntrack_proto_tcp.c, tcp_conntrack_states[0][...][sNO]): only a SYN without ACK and
/// a bare ACK (picked up midstream, nf_conntrack_tcp_loose) make an entry; a SYN,ACK, a FIN, a RST are
/// INVALID, so no nat rule rewrites them (oracle F61's rest, seed 5545: the refusals came back by an
/// ACCEPT where the data answers were masqueraded away).
/// </summary>
public sealed class UntrackedAnswerFlagsTests
{
    private static readonly PacketSpace Space = new(IpFamily.V4, InterfaceAlphabet.Of([], []));

    private static string StateOf(int flags)
    {
        var answer = Space.Whole().With(Dimension.Proto, IntervalSet.Single(6)).With(Dimension.TcpFlags, FlagsOrder.Of([flags]));
        var state = Assert.Single(Untracking.Answers(answer))[Dimension.State];
        return state.Equals(IntervalSet.Single((UInt128)(int)ConntrackStates.New)) ? "NEW"
            : state.Equals(IntervalSet.Single((UInt128)(int)ConntrackStates.Invalid)) ? "INVALID" : state.ToString();
    }

    [Theory]
    [InlineData(TcpFlags.Syn | TcpFlags.Ack, "INVALID")]
    [InlineData(TcpFlags.Fin | TcpFlags.Ack, "INVALID")]
    [InlineData(TcpFlags.Rst | TcpFlags.Ack, "INVALID")]
    [InlineData(TcpFlags.Rst, "INVALID")]
    [InlineData(TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Ack, "INVALID")]
    [InlineData(TcpFlags.None, "INVALID")]
    [InlineData(TcpFlags.Ack, "NEW")]
    [InlineData(TcpFlags.Psh | TcpFlags.Ack, "NEW")]
    [InlineData(TcpFlags.Syn, "NEW")]
    public void A_tcp_answer_to_an_untracked_request_is_new_only_where_conntrack_picks_it_up(TcpFlags flags, string state) =>
        Assert.Equal(state, StateOf((int)flags));
}
