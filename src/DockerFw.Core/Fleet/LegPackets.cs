using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// The packets a fleet leg asks about. Every leg means a connection from one end to the other (a
/// container to a peer's, a swarm node or Weave peer to another's port, a tunnel's outer packets), so
/// its NEW packets are those that open one (<see cref="Openings"/>: TCP's SYN, every other protocol as
/// it is; conntrack also takes a bare ACK for NEW, which opens nothing), as the single-host audit asks
/// since oracle F32; a leg of a connection's replies would ask its replies (TCP's with ACK set). The
/// hosts' walks (<see cref="HostRules.Judge"/>) and the cells' universes (<see cref="Neutral.Between"/>)
/// both ask through here: a cell's parts are cut from its universe and its legs' pieces, which must
/// speak of the same packets. The box TCP shares with the other ported protocols is narrowed, not cut,
/// so a host whose rules test no flags is walked in the same boxes as before.
/// </summary>
internal static class LegPackets
{
    public static PacketSet Of(PacketSet packets, ConntrackStates state) => state switch
    {
        ConntrackStates.New => Openings.Of(packets),
        ConntrackStates.Established => Openings.Answers(packets),
        _ => packets,
    };
}
