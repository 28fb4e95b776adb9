using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Text;

namespace DockerFw.Bench;

/// <summary>
/// A generated Docker host in the classic (&lt;= 27) layout of formats.md §1.13: N bridge networks
/// br-000000000000.. with subnets 10.x.y.0/24, DOCKER-USER, the two isolation stages, the per-bridge
/// FORWARD rules and MASQUERADE, and one published port (container .2:80 on host port 8000+i) on
/// every tenth bridge.
/// </summary>
public static class ReachDockerHost
{
    public static string Bridge(int i) => $"br-{i:x12}";

    public static AddressMask Subnet(int i) =>
        AddressMask.FromPrefix(IpFamily.V4, (UInt128)((10u << 24) | ((uint)(i / 256) << 16) | ((uint)(i % 256) << 8)), 24);

    /// <summary>The host's own addresses: eth0's and every bridge's gateway (.1).</summary>
    public static EvaluationContext Addresses(int bridges) => new()
    {
        Addresses = [.. Enumerable.Range(0, bridges).Select(i => new InterfaceAddress(Bridge(i), IpFamily.V4, Subnet(i).Address + 1, 24))
            .Append(new InterfaceAddress("eth0", IpFamily.V4, IpAddressValue.Parse("192.0.2.10", IpFamily.V4), 24))],
    };

    public static Ruleset Build(int bridges)
    {
        var filter = new Dictionary<string, List<(Match[], Target)>>();
        var nat = new Dictionary<string, List<(Match[], Target)>>();
        void Add(Dictionary<string, List<(Match[], Target)>> t, string chain, Target target, params Match[] m)
        {
            if (!t.TryGetValue(chain, out var list)) t[chain] = list = [];
            list.Add((m, target));
        }

        Add(filter, "FORWARD", new JumpTarget("DOCKER-USER"));
        Add(filter, "FORWARD", new JumpTarget("DOCKER-ISOLATION-STAGE-1"));
        Add(nat, "PREROUTING", new JumpTarget("DOCKER"), new AddrTypeMatch(AddressField.Destination, ["LOCAL"], false));
        for (var i = 0; i < bridges; i++)
        {
            var br = new InterfacePattern(Bridge(i));
            Match In(bool not = false) => new InterfaceMatch(Direction.In, br, not);
            Match Out(bool not = false) => new InterfaceMatch(Direction.Out, br, not);
            var established = new ConntrackStateMatch(ConntrackStates.Related | ConntrackStates.Established, false);
            Add(filter, "FORWARD", V(Verdict.Accept), Out(), established);
            Add(filter, "FORWARD", new JumpTarget("DOCKER"), Out());
            Add(filter, "FORWARD", V(Verdict.Accept), In(), Out(true));
            Add(filter, "FORWARD", V(Verdict.Accept), In(), Out());
            Add(filter, "DOCKER-ISOLATION-STAGE-1", new JumpTarget("DOCKER-ISOLATION-STAGE-2"), In(), Out(true));
            Add(filter, "DOCKER-ISOLATION-STAGE-2", V(Verdict.Drop), Out());
            Add(nat, "POSTROUTING", new MasqueradeTarget(null, []), new AddressMatch(AddressField.Source, Subnet(i), false), Out(true));
            Add(nat, "DOCKER", V(Verdict.Return), In());
            if (i % 10 != 0) continue;
            var container = Subnet(i).Address + 2;
            var tcp = new ProtocolMatch(new Protocol(6, "tcp"), false);
            Add(filter, "DOCKER", V(Verdict.Accept), new AddressMatch(AddressField.Destination, AddressMask.Host(IpFamily.V4, container), false),
                In(true), Out(), tcp, new PortMatch(AddressField.Destination, PortRange.Single(80), false));
            Add(nat, "DOCKER", new DnatTarget(new NatRange(IpFamily.V4, container, container, PortRange.Single(80)), []),
                In(true), tcp, new PortMatch(AddressField.Destination, PortRange.Single(8000 + i), false));
        }

        Add(filter, "DOCKER-ISOLATION-STAGE-1", V(Verdict.Return));
        Add(filter, "DOCKER-ISOLATION-STAGE-2", V(Verdict.Return));
        Add(filter, "DOCKER-USER", V(Verdict.Return));
        var line = 0;
        Table MakeTable(string name, Dictionary<string, List<(Match[], Target)>> chains, Func<string, Verdict?> policy) =>
            new(name, [.. Table.BuiltInChainsOf(name).Concat(chains.Keys).Distinct().Select(c => new Chain(c, policy(c), Counters.Zero,
                [.. chains.GetValueOrDefault(c, []).Select((r, n) =>
                    new Rule(c, n + 1, new SourceSpan("generated", ++line, 1), null, Blocks(r.Item1), r.Item2))],
                SourceSpan.None))], SourceSpan.None);
        Verdict? Builtin(string c, Verdict v) => Chain.BuiltInNames.Contains(c) ? v : null;
        return new Ruleset(IpFamily.V4, [
            MakeTable("filter", filter, c => Builtin(c, c == "FORWARD" ? Verdict.Drop : Verdict.Accept)),
            MakeTable("nat", nat, c => Builtin(c, Verdict.Accept))]);
    }

    private static VerdictTarget V(Verdict v) => new(v);

    // Each match in the block of the module that loads it, as the reader builds rules (MatchBlock
    // refuses a module's match in the core block), so `docker-host` renders every condition.
    private static ImmutableArray<MatchBlock> Blocks(Match[] matches) =>
    [
        new MatchBlock(null, [.. matches.Where(m => m is AddressMatch or InterfaceMatch or ProtocolMatch)]),
        .. matches.Where(m => m is not (AddressMatch or InterfaceMatch or ProtocolMatch)).Select(m => new MatchBlock(m switch
        {
            ConntrackStateMatch => "conntrack",
            AddrTypeMatch => "addrtype",
            PortMatch => "tcp",
            _ => throw new ArgumentException($"no module for {m.GetType().Name} in the generated host"),
        }, [m])),
    ];
}
