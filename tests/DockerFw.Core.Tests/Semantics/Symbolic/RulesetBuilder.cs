using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// Builds rulesets from the model for tests, as iptables would hold them: built-in chains with an
/// ACCEPT policy unless told otherwise, rules numbered per chain, one line per rule in order.
/// </summary>
internal sealed class RulesetBuilder(IpFamily family = IpFamily.V4)
{
    private readonly List<(string Table, string Chain, Verdict? Policy)> _chains = [];
    private readonly List<(string Table, string Chain, Target? Target, Match[] Matches)> _rules = [];

    public RulesetBuilder Policy(string table, string chain, Verdict policy)
    {
        _chains.RemoveAll(c => c.Table == table && c.Chain == chain);
        _chains.Add((table, chain, policy));
        return this;
    }

    public RulesetBuilder Chain(string table, string chain)
    {
        if (!_chains.Any(c => c.Table == table && c.Chain == chain)) _chains.Add((table, chain, null));
        return this;
    }

    public RulesetBuilder Rule(string table, string chain, Target? target, params Match[] matches)
    {
        if (!Table.BuiltInChainsOf(table).Contains(chain)) Chain(table, chain);
        if (target is JumpTarget j) Chain(table, j.Chain);
        _rules.Add((table, chain, target, matches));
        return this;
    }

    public Ruleset Build()
    {
        var line = 0;
        var tables = _rules.Select(r => r.Table).Concat(_chains.Select(c => c.Table)).Distinct().Select(table =>
        {
            var chains = Table.BuiltInChainsOf(table)
                .Select(name => _chains.FirstOrDefault(c => c.Table == table && c.Chain == name) is { Chain: not null } c ? c : (table, name, Verdict.Accept))
                .Concat(_chains.Where(c => c.Table == table && !Table.BuiltInChainsOf(table).Contains(c.Chain)))
                .Select(c => new Chain(c.Item2, c.Item3, Counters.Zero,
                    [.. _rules.Where(r => r.Table == table && r.Chain == c.Item2).Select((r, i) =>
                        new Rule(c.Item2, i + 1, new SourceSpan("test", ++line, 1), null, Blocks(r.Matches), r.Target))],
                    SourceSpan.None));
            return new Table(table, [.. chains], SourceSpan.None);
        });
        return new Ruleset(family, [.. tables]);
    }

    // Core options in the core block, each other condition in the block of the module that loads it,
    // as the reader builds rules (a core block holds core options only).
    private static ImmutableArray<MatchBlock> Blocks(Match[] matches)
    {
        var core = matches.OfType<CoreMatch>().ToArray();
        var protocol = core.OfType<ProtocolMatch>().FirstOrDefault()?.Value.Name ?? "tcp";
        IEnumerable<MatchBlock> modules = matches.Where(m => m is not CoreMatch).Select(m => new MatchBlock(m switch
        {
            PortMatch or TcpFlagsMatch => protocol,
            ConntrackStateMatch => "conntrack",
            MarkMatch => "mark",
            AddrTypeMatch => "addrtype",
            IcmpTypeMatch => "icmp",
            MultiportMatch => "multiport",
            SetMatch => "set",
            IpRangeMatch => "iprange",
            PhysdevInterfaceMatch or PhysdevFlagMatch => "physdev",
            CommentMatch => "comment",
            ModuleOptionMatch o => o.Module,
            OpaqueMatch o => o.Module,
            _ => throw new ArgumentException($"no module for {m.GetType().Name} in the test builder"),
        }, [m]));
        return [.. (core.Length > 0 ? [new MatchBlock(null, [.. core])] : Array.Empty<MatchBlock>()), .. modules];
    }
}

/// <summary>Matches and targets in a few words.</summary>
internal static class R
{
    public static Match In(string name, bool not = false) => new InterfaceMatch(Direction.In, new InterfacePattern(name), not);

    public static Match Out(string name, bool not = false) => new InterfaceMatch(Direction.Out, new InterfacePattern(name), not);

    public static Match Src(string cidr, bool not = false) => new AddressMatch(AddressField.Source, Mask(cidr), not);

    public static Match Dst(string cidr, bool not = false) => new AddressMatch(AddressField.Destination, Mask(cidr), not);

    public static Match Proto(string name, bool not = false) =>
        new ProtocolMatch(Protocol.TryParse(name, out var p) ? p! : throw new ArgumentException(name), not);

    public static Match Dport(int first, int? last = null, bool not = false) =>
        new PortMatch(AddressField.Destination, new PortRange(first, last ?? first), not);

    public static Match Sport(int first, int? last = null, bool not = false) =>
        new PortMatch(AddressField.Source, new PortRange(first, last ?? first), not);

    public static Match State(ConntrackStates states, bool not = false) => new ConntrackStateMatch(states, not);

    public static Match Mark(uint value, uint mask = uint.MaxValue, bool not = false) => new MarkMatch(new MarkMask(value, mask), not);

    public static Match DstLocal(bool not = false) => new AddrTypeMatch(AddressField.Destination, ["LOCAL"], not);

    public static Match Limit() => new ModuleOptionMatch("limit", "--limit", ["5/min"], false);

    public static Match IcmpType(int type, bool not = false) => new IcmpTypeMatch(IpFamily.V4, type, null, not);

    /// <summary><c>--tcp-flags MASK COMP</c>, e.g. <c>Flags(TcpFlags.Fin | TcpFlags.Syn | TcpFlags.Rst | TcpFlags.Ack, TcpFlags.Syn)</c> for <c>--syn</c>.</summary>
    public static Match Flags(TcpFlags mask, TcpFlags compare, bool not = false) => new TcpFlagsMatch(mask, compare, not);

    public static Target Accept => new VerdictTarget(Verdict.Accept);

    public static Target Drop => new VerdictTarget(Verdict.Drop);

    public static Target Return => new VerdictTarget(Verdict.Return);

    public static Target Reject => new RejectTarget("icmp-port-unreachable");

    public static Target Log => new LogTarget("x", null, []);

    public static Target Masquerade => new MasqueradeTarget(null, []);

    public static Target Jump(string chain) => new JumpTarget(chain);

    public static Target Goto(string chain) => new JumpTarget(chain, IsGoto: true);

    public static Target SetMark(uint value, uint mask = uint.MaxValue) => new MarkTarget(value, mask);

    public static Target Dnat(string address, int? port = null)
    {
        var a = IpAddressValue.Parse(address, IpFamily.V4);
        return new DnatTarget(new NatRange(IpFamily.V4, a, a, port is { } p ? PortRange.Single(p) : null), []);
    }

    public static AddressMask Mask(string cidr) =>
        AddressMask.TryParse(cidr, cidr.Contains(':') ? IpFamily.V6 : IpFamily.V4, out var m) ? m! : throw new ArgumentException(cidr);

    public static UInt128 Ip(string address) => IpAddressValue.Parse(address, IpFamily.V4);
}
