using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Later packets back to the openings they follow (oracle F38), one mapping for the audit's flows,
/// published ports, fleet's cells and the policy's verdicts. The opening: ICMP echo and timestamp
/// requests (8, 13) from 192.0.2.2 to 198.51.100.2 in on a, out on b, NEW; the later packets that die:
/// the timestamp requests alone, in on a, ESTABLISHED. Each user narrows the openings to them on the
/// fields its answer tells apart (ICMP types for every one) and keeps the others whole.
/// </summary>
public sealed class LaterOpeningsTests
{
    private static readonly PacketSpace Space = new(IpFamily.V4, new InterfaceAlphabet(["a", "b"], []));

    private static readonly UInt128 Client = IpAddressValue.Parse("192.0.2.2", IpFamily.V4), Server = IpAddressValue.Parse("198.51.100.2", IpFamily.V4);

    private static IntervalSet One(UInt128 value) => IntervalSet.Single(value);

    private static IntervalSet Interface(string name) => One((UInt128)Space.Interfaces.SymbolOf(name));

    private static readonly Box Opening = Space.Whole()
        .With(Dimension.Src, One(Client)).With(Dimension.Dst, One(Server)).With(Dimension.Proto, One((UInt128)Protocol.Icmp))
        .With(Dimension.IcmpType, IntervalSet.FromValues([8, 13])).With(Dimension.In, Interface("a")).With(Dimension.Out, Interface("b"))
        .With(Dimension.State, One((UInt128)(int)ConntrackStates.New));

    private static readonly Box Dying = Opening.With(Dimension.IcmpType, One(13))
        .With(Dimension.State, One((UInt128)(int)ConntrackStates.Established));

    [Fact]
    public void A_flow_names_its_icmp_types_so_only_the_timestamp_requests_are_opening_only_and_the_interfaces_are_kept_whole()
    {
        // Echo's later packets pass: a flow names ICMP types where they differ, so echo stays a connection.
        var back = LaterOpenings.Of(Opening, Dying.With(Dimension.Out, Space.Full(Dimension.Out)), LaterOpenings.Flow);

        Assert.Equal(Opening.With(Dimension.IcmpType, One(13)), back);
    }

    [Fact]
    public void The_policys_verdicts_hold_packets_so_only_the_timestamp_requests_are_opening_only_which_is_exact()
    {
        // The echo requests' later packets pass: per packet, only type 13's connections carry nothing.
        var back = LaterOpenings.Of(Opening, Dying, LaterOpenings.Packet);

        Assert.Equal(One(13), back[Dimension.IcmpType]);
        Assert.Equal(One((UInt128)(int)ConntrackStates.New), back[Dimension.State]);
    }

    [Fact]
    public void A_fleet_cell_keeps_the_sources_the_receiver_saw_masqueraded_and_narrows_the_icmp_types()
    {
        var masqueraded = Dying.With(Dimension.Src, One(IpAddressValue.Parse("203.0.113.1", IpFamily.V4)));

        var back = LaterOpenings.Of(Opening, masqueraded, LaterOpenings.Cell);

        Assert.Equal((One(Client), One(13)), (back[Dimension.Src], back[Dimension.IcmpType]));
    }

    [Fact]
    public void A_published_ports_later_packets_asked_de_nated_name_the_connections_by_the_host_address_and_port_they_arrived_at()
    {
        var host = IpAddressValue.Parse("198.18.0.1", IpFamily.V4);
        var arrived = Space.Whole().With(Dimension.Src, One(Client)).With(Dimension.Dst, One(host)).With(Dimension.Proto, One((UInt128)Protocol.Tcp))
            .With(Dimension.Sport, IntervalSet.Range(1024, 2047)).With(Dimension.Dport, One(8080)).With(Dimension.In, Interface("a"));
        var deNated = arrived.With(Dimension.Dst, One(Server)).With(Dimension.Dport, One(80)).With(Dimension.Sport, IntervalSet.Range(2000, 2047));

        var back = LaterOpenings.Of(arrived, deNated, LaterOpenings.DeNated);

        Assert.Equal(arrived.With(Dimension.Sport, IntervalSet.Range(2000, 2047)), back);
        // Asked as they arrived (raw PREROUTING), the later packets share every field: a drop of another host address names none.
        Assert.True(LaterOpenings.Of(arrived, deNated, LaterOpenings.Packet).IsEmpty);
    }
}
