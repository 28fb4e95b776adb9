using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// The legs one host judges, asked together: legs that differ only in their addresses (a sender's
/// forward leg to each peer out of the same device, a receiver's from each peer into the same bridge)
/// are one symbolic walk over all their addresses, whose answer is then cut to each leg's own. A
/// packet's fate does not depend on which other packets were asked about, so each cut is the answer
/// the leg alone would get; a host of a fleet of N walks its rules a few times, not N times.
/// </summary>
internal sealed class LegBatch(HostRules rules)
{
    private readonly record struct Group(LegStage Stage, PacketPath Path, string? In, string? Out, int? Protocol, int? Port, bool Masqueraded);

    private sealed record Request((int Cell, LegKey Key) Target, IntervalSet Sources, IntervalSet Destinations, IntervalSet? SeenAs);

    private readonly Dictionary<Group, List<Request>> _groups = [];

    /// <summary>
    /// A leg of NEW packets, as <see cref="HostRules.Judge"/> takes it. <paramref name="seenAs"/>: the
    /// sources the answer speaks for when the host sees them NATed; the group then walks the NATed ones.
    /// </summary>
    public void Add((int Cell, LegKey Key) target, LegStage stage, PacketPath path, string? inDevice, string? outDevice,
        IntervalSet sources, IntervalSet destinations, int? protocol = null, int? port = null, IntervalSet? seenAs = null)
    {
        var group = new Group(stage, path, inDevice, outDevice, protocol, port, seenAs is not null);
        if (!_groups.TryGetValue(group, out var requests)) _groups[group] = requests = [];
        requests.Add(new Request(target, sources, destinations, seenAs));
    }

    public ImmutableDictionary<(int Cell, LegKey Key), Leg> Judge()
    {
        var legs = ImmutableDictionary.CreateBuilder<(int, LegKey), Leg>();
        foreach (var (group, requests) in _groups)
        {
            var sources = requests.Select(r => r.Sources).Aggregate((a, b) => a.Union(b));
            var destinations = requests.Select(r => r.Destinations).Aggregate((a, b) => a.Union(b));
            var all = rules.Judge(group.Stage, group.Path, group.In, group.Out, sources, destinations, ConntrackStates.New, group.Protocol, group.Port);
            foreach (var request in requests)
                legs[request.Target] = Cut(all, request);
        }

        return legs.ToImmutable();
    }

    // The leg's own packets of each piece, in the same order; a NATed leg's then said of the original sources.
    private static Leg Cut(Leg all, Request request)
    {
        var pieces = ImmutableArray.CreateBuilder<LegPiece>(all.Pieces.Length);
        foreach (var piece in all.Pieces)
        {
            var boxes = piece.Packets.Boxes
                .Select(b => b.With(Dimension.Src, b[Dimension.Src].Intersect(request.Sources)).With(Dimension.Dst, b[Dimension.Dst].Intersect(request.Destinations)))
                .Where(b => !b.IsEmpty)
                .ToImmutableArray();
            if (boxes.IsEmpty) continue;
            var packets = new PacketSet(boxes);
            if (request.SeenAs is { } seenAs) packets = Neutral.WithSources(packets, seenAs);
            pieces.Add(piece with { Packets = packets });
        }

        return all with { Pieces = pieces.ToImmutable() };
    }
}
