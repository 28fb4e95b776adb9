using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Text;

namespace DockerFw.Core.Remediation;

/// <summary>
/// Proves a plan's published-port restrictions on the after-state with the symbolic engine: every
/// new connection from outside to the host port, from any source, is followed through Docker's DNAT.
/// From an allowed source (or on an allowed host address) it must be DNATed to the container and
/// accepted; from any other it must not reach the container. A dump does not say which addresses
/// are the host's, so the proof states them: the port's bound address (else a documentation
/// address standing for any), or the policy's host addresses and one it does not list.
/// </summary>
internal static class PublishProof
{
    private const string Uplink = "dfw-uplink0";

    // A benchmarking-range address no policy names, standing for "a host address".
    private static readonly UInt128 HostV4 = IpAddressValue.Parse("198.18.0.1", IpFamily.V4);
    private static readonly UInt128 HostV6 = IpAddressValue.Parse("2001:db8:ffff::1", IpFamily.V6);

    public static IEnumerable<Diagnostic> Check(Ruleset after, ResolvedPolicy policy)
    {
        var family = after.Family;
        foreach (var publish in policy.Publishes)
        {
            var addresses = publish.Addresses.Where(a => a.Family == family).ToList();
            var listed = addresses.Aggregate(IntervalSet.Empty, (s, a) => s.Union(RuleCompiler.Intervals(a) ?? IntervalSet.Empty));
            var other = family == IpFamily.V4 ? HostV4 : HostV6;
            var hosts = publish.Restriction == PublishRestriction.OnHostAddresses
                ? listed.Union(IntervalSet.Single(other))
                : IntervalSet.Single(Bound(publish, family) ?? other);
            var loopback = family == IpFamily.V4 ? RuleCompiler.Intervals(AddressMask.FromPrefix(family, (UInt128)127 << 24, 8))! : IntervalSet.Single(1);
            var rules = SymbolicRuleset.Compile(after,
                policy.Bridges.Select(b => new InterfacePattern(b.Bridge!)).Append(new InterfacePattern(Uplink)), hosts.Union(loopback));

            foreach (var member in policy.Members.Where(m => m.Container.Id == publish.Container.Id && m.AddressOf(family) is not null))
            {
                var problem = Disagreement(rules, publish, member, hosts, listed);
                if (problem is not null) yield return PolicyMessages.PlanDisproved(new SourceSpan(policy.File, 1, 1), problem);
            }
        }
    }

    private static string? Disagreement(SymbolicRuleset rules, PublishPolicy publish, ContainerOnNetwork member, IntervalSet hosts, IntervalSet listed)
    {
        var space = rules.Space;
        var family = space.Family;
        var binding = publish.Binding;
        var protocol = Protocol.TryParse(binding.Protocol, out var p) ? p! : new Protocol(Protocol.Tcp, "tcp");
        var query = new ReachQuery(PacketPath.Forward)
        {
            In = new InterfacePattern(Uplink),
            Out = new InterfacePattern(member.Network.Bridge!),
            Protocol = protocol,
            State = ConntrackStates.New,
        };
        var whole = new Box([.. Dimensions.All.Select(space.Full)], BitCubeSet.All);
        var packets = query.ToPacketSet(space).Intersect(whole
            .With(Dimension.Dst, hosts)
            .With(Dimension.Dport, IntervalSet.Single((UInt128)binding.HostPort!.Value)));
        var allowedSide = publish.Restriction == PublishRestriction.FromSources ? Dimension.Src : Dimension.Dst;
        var allowed = PacketSet.Of(whole.With(allowedSide, listed));
        var container = member.AddressOf(family)!.Value;

        var result = SymbolicEngine.Reach(rules, query.Path, packets);
        foreach (var region in result.Regions)
        {
            var reaches = region.Verdict == ReachVerdict.Accept && DnatsTo(region, rules.Source, container);
            var should = region.Packets.Intersect(allowed);
            var shouldNot = region.Packets.Subtract(allowed);
            if (!should.IsEmpty && !reaches) return Refusal(should, region, result, rules, publish, member, "does not reach", "does");
            if (!shouldNot.IsEmpty && (reaches || region.Verdict == ReachVerdict.Maybe))
                return Refusal(shouldNot, region, result, rules, publish, member, reaches ? "reaches" : "may reach", "does not");
        }

        return null;
    }

    /// <summary>Whether the region's way went through a DNAT to the container's address.</summary>
    internal static bool DnatsTo(ReachRegion region, Ruleset ruleset, UInt128 container) => region.Rules.Any(r =>
        ProofText.RuleOf(ruleset, r)?.Target is DnatTarget { To.First: { } to } && to == container);

    private static string Refusal(PacketSet packets, ReachRegion region, ReachResult result, SymbolicRuleset rules, PublishPolicy publish,
        ContainerOnNetwork member, string actual, string expected)
    {
        var family = rules.Space.Family;
        var box = packets.Boxes[0];
        var binding = publish.Binding;
        var text = $"{binding.Protocol}/{binding.HostPort} on {Addresses(box[Dimension.Dst], family)} from {Addresses(box[Dimension.Src], family)} "
            + $"{actual} '{member.Container.Name}' ({IpAddressValue.Format(member.AddressOf(family)!.Value, family)}:{binding.ContainerPort}), "
            + $"but the policy says it {expected}";
        if (region.Verdict == ReachVerdict.Maybe && region.Doubts.FirstOrDefault() is { } doubt)
            return text + $" (the dump cannot decide {doubt}: {result.DoubtReasons.GetValueOrDefault(doubt)})";
        return ProofText.DecidedBy(region, rules.Source) is { } rule ? text + $" (decided by {rule})" : text;
    }

    /// <summary>An address set as its first ranges, <c>0.0.0.0-192.0.1.255</c>.</summary>
    internal static string Addresses(IntervalSet set, IpFamily family)
    {
        string Range((UInt128 First, UInt128 Last) r) => r.First == r.Last
            ? IpAddressValue.Format(r.First, family)
            : $"{IpAddressValue.Format(r.First, family)}-{IpAddressValue.Format(r.Last, family)}";
        var ranges = set.Ranges.ToList();
        return ranges.Count <= 2 ? string.Join(", ", ranges.Select(Range)) : $"{Range(ranges[0])}, {Range(ranges[1])} and {ranges.Count - 2} more ranges";
    }

    /// <summary>The host address the port is bound to, when Docker binds it to one.</summary>
    internal static UInt128? Bound(PublishPolicy publish, IpFamily family) =>
        publish.Binding.HostIp is { } ip && IpAddressValue.TryParse(ip, family, out var address) && address != 0 ? address : null;
}
