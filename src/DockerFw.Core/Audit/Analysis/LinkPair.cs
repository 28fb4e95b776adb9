using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Every NEW packet that opens a connection (<see cref="Openings"/>) between two containers of one bridge, both ways, walked with the rules
/// recorded: the symbolic answer a link's facts are cut from (one port, one protocol, one source
/// port at a time), never a sampled packet.
/// </summary>
public sealed class LinkPair
{
    private readonly SymbolicPasses _passes;

    public LinkPair(SymbolicPasses passes, AuditedNetwork n, UInt128 client, UInt128 server)
    {
        _passes = passes;
        Server = server;
        ToServer = Walk(passes, n, client, server);
        ToClient = Walk(passes, n, server, client);
    }

    public UInt128 Server { get; }

    /// <summary>NEW packets from the client to the server.</summary>
    public ImmutableArray<Piece> ToServer { get; }

    /// <summary>NEW packets from the server to the client.</summary>
    public ImmutableArray<Piece> ToClient { get; }

    private static ImmutableArray<Piece> Walk(SymbolicPasses passes, AuditedNetwork n, UInt128 from, UInt128 to)
    {
        var packets = Openings.Of(new ReachQuery(PacketPath.Forward)
        {
            In = new InterfacePattern(n.Bridge), Out = new InterfacePattern(n.Bridge), State = ConntrackStates.New,
        }.ToPacketSet(passes.Space)).Intersect(passes.Whole().With(Dimension.Src, IntervalSet.Single(from)).With(Dimension.Dst, IntervalSet.Single(to)));
        return [.. SymbolicEngine.Reach(passes.Rules, PacketPath.Forward, packets).Regions
            .SelectMany(r => r.Packets.Boxes.Select(b => new Piece(r, b)))];
    }

    /// <summary>The pieces cut to one value of a dimension.</summary>
    public static IEnumerable<Piece> Cut(IEnumerable<Piece> pieces, Dimension d, IntervalSet values)
    {
        foreach (var p in pieces)
        {
            var set = p.Box[d].Intersect(values);
            if (!set.IsEmpty) yield return p with { Box = p.Box.With(d, set) };
        }
    }

    /// <summary>
    /// How the server may open packets to the client: from the link's ports only (Docker's reply
    /// rule, <c>--sport PORT</c>), not at all, or wider. <paramref name="linkPorts"/> are every port
    /// of the link (a server exposing two ports has a reply rule for each).
    /// </summary>
    public string Reverse(string protocol, int port, IEnumerable<(string Protocol, int Port)> linkPorts)
    {
        var open = ToClient.Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe).ToList();
        var fromLinkPorts = linkPorts.Select(l => _passes.Whole().With(Dimension.Proto, IntervalSet.Single((UInt128)Number(l.Protocol)))
            .With(Dimension.Sport, IntervalSet.Single((UInt128)l.Port))).ToList();
        if (open.Any(p => !PacketSet.Of(p.Box).Subtract(fromLinkPorts).IsEmpty)) return LinkReverse.Wider;
        var fromPort = Cut(Cut(ToClient, Dimension.Proto, IntervalSet.Single((UInt128)Number(protocol))), Dimension.Sport, IntervalSet.Single((UInt128)port)).ToList();
        return fromPort.All(p => p.Verdict == ReachVerdict.Accept) ? LinkReverse.SourcePort
            : fromPort.Any(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe) ? LinkReverse.Partial
            : LinkReverse.None;
    }

    public static int Number(string protocol) => Protocol.TryParse(protocol, out var p) ? p!.Number : Protocol.Tcp;
}
