using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// The space packets live in for one family and one interface alphabet: the range of every
/// dimension, the whole space for a path, and the mapping between concrete packets and points.
/// </summary>
public sealed class PacketSpace
{
    /// <summary>Protocols with ports (tcp, udp, dccp, sctp, udplite).</summary>
    public static IntervalSet PortProtocols { get; } = IntervalSet.FromValues([6, 17, 33, 132, 136]);

    /// <summary>Conntrack states a packet can arrive with; the SNAT/DNAT bits are added by NAT on the way.</summary>
    public static IntervalSet ArrivalStates { get; } = IntervalSet.FromValues(
        [(int)ConntrackStates.Invalid, (int)ConntrackStates.New, (int)ConntrackStates.Related,
         (int)ConntrackStates.Established, (int)ConntrackStates.Untracked]);

    public PacketSpace(IpFamily family, InterfaceAlphabet interfaces)
    {
        Family = family;
        Interfaces = interfaces;
    }

    public IpFamily Family { get; }

    public InterfaceAlphabet Interfaces { get; }

    public int IcmpProtocol => Family == IpFamily.V4 ? Protocol.Icmp : Protocol.IcmpV6;

    public UInt128 MaxOf(Dimension d) => d switch
    {
        Dimension.Src or Dimension.Dst => Family.AllOnes(),
        Dimension.Proto or Dimension.IcmpType => 255,
        Dimension.Sport or Dimension.Dport => 65535,
        Dimension.State => 127,
        // xt_tcpudp compares the whole of byte 13 ((th[13] & mask) == cmp), CWR and ECE included:
        // iptables names only the low six bits (ALL is 0x3F), so its masks never test them, but a
        // packet carries them (an ECN-setup SYN is SYN,ECE,CWR: RFC 3168 6.1.1) and nft's `tcp flags`
        // names them (ecn, cwr). A range of 0-63 would have no point for such a packet.
        Dimension.TcpFlags => 255,
        _ => Interfaces.MaxSymbol,
    };

    public IntervalSet Full(Dimension d) => IntervalSet.Range(0, MaxOf(d));

    /// <summary>
    /// The mark a packet carries when it meets the first rule: 0. A packet received by a device starts
    /// with none, one a container sends loses its mark as its veth crosses namespaces
    /// (<c>skb_scrub_packet</c>), and the host's own sockets set one only with <c>SO_MARK</c>. Only what
    /// runs before netfilter and leaves no rule (tc, eBPF) could give another: the audit assumes none
    /// does (docs/audit.md), so a rule that drops marked packets drops none that nothing marked.
    /// </summary>
    public static BitCubeSet ArrivalMark { get; } = BitCubeSet.Single(0);

    /// <summary>Every value of every dimension, with the mark packets arrive with: the box a question starts from and narrows.</summary>
    public Box Whole() => new([.. Dimensions.All.Select(Full)], ArrivalMark);

    /// <summary>Every value of every dimension and any mark: for questions about rules rather than traffic (which rules any packet may reach).</summary>
    public Box WholeOfAnyMark() => new([.. Dimensions.All.Select(Full)], BitCubeSet.All);

    /// <summary>
    /// Every packet that can take the path: ported protocols with any ports, ICMP with any type, the
    /// rest with neither; arriving in any state, an ICMP message only in the states conntrack gives its
    /// type (<see cref="IcmpStates"/>: an echo reply is never NEW, oracle F39), so a question asked
    /// without a state holds no packet the kernel never makes either; interfaces present exactly where
    /// the path has them.
    /// TCP flags: ICMP and the protocols without ports carry 0, but the ported ones share TCP's box with
    /// every value. Every flags condition implies <c>-p tcp</c> (<see cref="RuleCompiler"/>), so no rule
    /// tells a UDP packet's flags apart and the value is idle there (a UDP packet's point has 0, which
    /// is in that box); a box of TCP alone would cut every query and region in two where no rule
    /// tests flags, which is almost every ruleset.
    /// </summary>
    public PacketSet Universe(PacketPath path, bool anyMark = false)
    {
        var none = IntervalSet.Single((UInt128)Interfaces.NoInterface);
        var some = Full(Dimension.In).Subtract(none);
        var (inSet, outSet) = path switch
        {
            PacketPath.Forward => (some, some),
            PacketPath.Input => (some, none),
            _ => (none, some),
        };
        var zero = IntervalSet.Single(0);
        var icmp = IntervalSet.Single((UInt128)IcmpProtocol);
        var others = Full(Dimension.Proto).Subtract(PortProtocols).Subtract(icmp);
        Box Make(IntervalSet proto, IntervalSet ports, IntervalSet icmpType, IntervalSet flags) => new(
            [Full(Dimension.Src), Full(Dimension.Dst), proto, ports, ports, icmpType, ArrivalStates, inSet, outSet, flags],
            anyMark ? BitCubeSet.All : ArrivalMark);
        return new PacketSet([
            Make(PortProtocols, Full(Dimension.Sport), zero, Full(Dimension.TcpFlags)),
            .. IcmpStates.Feasible(Family, Make(icmp, zero, Full(Dimension.IcmpType), zero)),
            Make(others, zero, zero, zero),
        ]);
    }

    public (UInt128[] Point, uint Mark) PointOf(Packet packet)
    {
        var ported = PortProtocols.Contains((UInt128)packet.Protocol);
        var icmp = packet.Protocol == IcmpProtocol;
        var tcp = packet.Protocol == Protocol.Tcp;
        UInt128[] point =
        [
            packet.Source, packet.Destination, (UInt128)packet.Protocol,
            ported ? (UInt128)(packet.SourcePort ?? 0) : 0, ported ? (UInt128)(packet.DestinationPort ?? 0) : 0,
            icmp ? (UInt128)(packet.IcmpType ?? 0) : 0, (UInt128)(int)packet.State,
            (UInt128)Interfaces.SymbolOf(packet.InInterface ?? ""), (UInt128)Interfaces.SymbolOf(packet.OutInterface ?? ""),
            tcp ? (UInt128)FlagsOrder.Encode((byte)packet.TcpFlags) : 0,
        ];
        return (point, packet.Mark);
    }

    /// <summary>A concrete packet for a point (ICMP code 0, no bridge ports, not a fragment; TCP flags only for TCP).</summary>
    public Packet PacketAt(UInt128[] point, uint mark)
    {
        var proto = (int)point[(int)Dimension.Proto];
        var ported = PortProtocols.Contains((UInt128)proto);
        var icmp = proto == IcmpProtocol;
        string? Name(Dimension d) => Interfaces.SampleName((int)point[(int)d]) is { Length: > 0 } n ? n : null;
        return new Packet(
            Family, point[(int)Dimension.Src], point[(int)Dimension.Dst], proto,
            SourcePort: ported ? (int)point[(int)Dimension.Sport] : null,
            DestinationPort: ported ? (int)point[(int)Dimension.Dport] : null,
            IcmpType: icmp ? (int)point[(int)Dimension.IcmpType] : null,
            IcmpCode: icmp ? 0 : null,
            InInterface: Name(Dimension.In),
            OutInterface: Name(Dimension.Out),
            State: (ConntrackStates)(int)point[(int)Dimension.State],
            Mark: mark,
            TcpFlags: proto == Protocol.Tcp ? (TcpFlags)FlagsOrder.Decode((int)point[(int)Dimension.TcpFlags]) : TcpFlags.None);
    }
}
