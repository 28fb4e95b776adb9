using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// One packet on one possible way through the rules: its header as the rules see it now, what the
/// engine no longer knows about it, and what happened so far. Mutable for speed on the certain
/// path; a doubt clones it (the trails are shared, so a clone is a few words).
/// </summary>
internal sealed class Branch
{
    public Branch(Packet packet, bool bridgeInfo)
    {
        Family = packet.Family;
        Source = packet.Source;
        Destination = packet.Destination;
        Protocol = packet.Protocol;
        SourcePort = packet.SourcePort;
        DestinationPort = packet.DestinationPort;
        IcmpType = packet.IcmpType;
        IcmpCode = packet.IcmpCode;
        InInterface = packet.InInterface;
        OutInterface = packet.OutInterface;
        State = packet.State;
        Mark = packet.Mark;
        ConnMark = packet.ConnMark;
        TcpFlags = packet.TcpFlags;
        Fragment = packet.Fragment;
        PhysIn = packet.PhysIn;
        PhysOut = packet.PhysOut;
        ConntrackNat = packet.ConntrackNat;
        BridgeInfo = bridgeInfo;
        Unknown = packet.UnknownFields;
        IsReply = packet.IsReply;
        Original = ConnectionTuple.Of(packet);
        if (SourcePort is null && ProtocolNumbers.HasPorts(packet.Protocol)) Unknown |= PacketFields.SourcePort;
        if (DestinationPort is null && ProtocolNumbers.HasPorts(packet.Protocol)) Unknown |= PacketFields.DestinationPort;
    }

    public IpFamily Family;
    public UInt128 Source, Destination;
    public int Protocol;
    public int? SourcePort, DestinationPort, IcmpType, IcmpCode;
    public string? InInterface, OutInterface, PhysIn, PhysOut;
    public ConntrackStates State;
    public uint Mark, ConnMark;
    public TcpFlags TcpFlags;
    public bool Fragment;
    public ConntrackNat? ConntrackNat;
    public PacketFields Unknown;
    public bool IsReply;

    /// <summary>
    /// Whether a nat chain rewrote the destination (or its port) on this way, and to what: one
    /// address or a range (null: the address was kept, or its new value is unknown), the ports
    /// likewise. <c>ct status dnat</c> of a NEW packet asks them (<see cref="NatStatusCondition"/>).
    /// </summary>
    public bool DestinationNatted;
    public (UInt128 First, UInt128 Last)? NatDestinations;
    public PortRange? NatPorts;

    /// <summary>The connection's original-direction tuple, fixed when conntrack first saw it.</summary>
    public ConnectionTuple Original;

    /// <summary>br_netfilter attached bridge-port information (the packet entered through a bridge port).</summary>
    public bool BridgeInfo;

    // What the current hook shows the rules: the kernel passes no device where the hook has none,
    // and an absent device compares as the empty name.
    public Hook Hook;
    public string InView = "", OutView = "";
    public string? PhysOutView;

    /// <summary>The rules listed per outcome; the rest are only counted (<see cref="MatchedCount"/>).</summary>
    public const int MaxMatched = 1000;

    public Trail<RuleRef>? Matched;

    /// <summary>Every rule counted, listed or not.</summary>
    public long MatchedCount;
    public Trail<Doubt>? Doubts;
    public Trail<NatRewrite>? Nat;

    /// <summary>A nat rule of the current hook bound the connection: the hook's later nat chains do not run (nf_nat_inet_fn).</summary>
    public bool NatBound;
    public RuleRef? AcceptedBy;

    // The state conntrack will give the packet, kept aside while chains that run before conntrack
    // (raw, priority below -200) see the packet without a conntrack entry.
    private ConntrackStates _trackedState;

    public bool Knows(PacketFields field) => (Unknown & field) == 0;

    /// <summary>Before conntrack the packet has no entry: its state reads INVALID (UNTRACKED after NOTRACK).</summary>
    public void EnterBeforeConntrack()
    {
        _trackedState = State;
        if (State != ConntrackStates.Untracked) State = ConntrackStates.Invalid;
    }

    /// <summary>Conntrack has run: the packet has its state again, unless NOTRACK made it untracked.</summary>
    public void LeaveBeforeConntrack()
    {
        if (State != ConntrackStates.Untracked) State = _trackedState;
    }

    public bool HasConntrack => (State & (ConntrackStates.Invalid | ConntrackStates.Untracked)) == 0;

    public void EnterHook(Hook hook)
    {
        Hook = hook;
        NatBound = false;
        InView = hook is Hook.Prerouting or Hook.Input or Hook.Forward ? InInterface ?? "" : "";
        OutView = hook is Hook.Forward or Hook.Output or Hook.Postrouting ? OutInterface ?? "" : "";
        PhysOutView = hook is Hook.Forward or Hook.Postrouting ? PhysOut : null;
    }

    public void Count(RuleRef rule)
    {
        if (MatchedCount++ < MaxMatched) Matched = new Trail<RuleRef>(rule, Matched);
    }

    /// <summary>Counts the rules a chain counted when it was last walked with the same packet (listed up to the bound).</summary>
    public void Count(IReadOnlyList<RuleRef> listed, long total)
    {
        for (var i = 0; i < listed.Count && MatchedCount + i < MaxMatched; i++) Matched = new Trail<RuleRef>(listed[i], Matched);
        MatchedCount += total;
    }

    public void AddDoubt(Doubt doubt) => Doubts = new Trail<Doubt>(doubt, Doubts);

    public void AddNat(NatRewrite rewrite) => Nat = new Trail<NatRewrite>(rewrite, Nat);

    public Branch Clone() => (Branch)MemberwiseClone();

    public Packet ToPacket(Packet original) => original with
    {
        Source = Source,
        Destination = Destination,
        SourcePort = SourcePort,
        DestinationPort = DestinationPort,
        State = State,
        Mark = Mark,
        ConnMark = ConnMark,
        UnknownFields = Unknown,
        ConntrackNat = null,
    };
}
