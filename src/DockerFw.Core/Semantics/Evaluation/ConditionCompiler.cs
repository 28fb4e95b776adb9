using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// Turns a rule's match blocks into fast conditions. A module the engine cannot decide becomes one
/// "maybe" condition per block, carrying the reason that the trace will show.
/// </summary>
internal static class ConditionCompiler
{
    public static Condition[] Compile(Rule rule)
    {
        var conditions = new List<Condition>();
        foreach (var block in rule.Blocks) AddBlock(block, conditions);
        return [.. conditions];
    }

    // The kernel's matches for these headers never hold for a fragment after the first.
    private static readonly HashSet<string> NeedTransportHeader = ["tcp", "udp", "udplite", "sctp", "dccp", "multiport", "icmp", "icmp6"];

    private static void AddBlock(MatchBlock block, List<Condition> conditions)
    {
        if (block.Module is { } module && NeedTransportHeader.Contains(module)) conditions.Add(new FragmentCondition(negated: true));
        // nft's tcp flags with ECE or CWR sit in the nft-only block: still the transport header's.
        if (block.Module == MatchBlock.NftOnly && block.Matches.Any(m => m is TcpFlagsMatch)) conditions.Add(new FragmentCondition(negated: true));
        if (block.Module is { } header && BareModules.NeedsExtensionHeader(header))
        {
            conditions.Add(new ConstantCondition(Truth.False, ""));
            return;
        }

        if (block.Module is { } bare && block.Matches.IsEmpty && !BareModules.MatchesEveryPacket(bare))
        {
            conditions.Add(new ConstantCondition(Truth.Maybe, ReasonFor(bare, [])));
            return;
        }

        if (!block.Matches.IsEmpty && ReversePathCheck.Of(block) is { } reversePath)
        {
            conditions.Add(new ReversePathCondition(reversePath));
            return;
        }

        var untyped = block.Matches.Where(m => m is ModuleOptionMatch or OpaqueMatch).ToList();
        if (block.Module == "conntrack")
        {
            var hasState = block.Matches.Any(m => m is ConntrackStateMatch);
            foreach (var option in untyped.OfType<ModuleOptionMatch>().ToList())
            {
                if (option is { Name: "--ctstatus", Arguments: [var bit and ("DNAT" or "SNAT")] })
                {
                    conditions.Add(new NatStatusCondition(bit == "DNAT" ? ConntrackStates.Dnat : ConntrackStates.Snat, option.Negated));
                    untyped.Remove(option);
                    continue;
                }

                if (ConntrackTupleCondition.Of(option, hasState) is not { } tuple) continue;
                conditions.Add(tuple);
                untyped.Remove(option);
            }
        }

        if (block.Module == "recent" && RecentSetOnly(block) is { } set)
        {
            // --set records the source and always matches; only --rcheck/--update/--remove ask the list.
            conditions.Add(new ConstantCondition(Truth.True.NegateIf(set.Negated), ""));
            return;
        }

        if (block.Module == "addrtype" && untyped.Count > 0)
        {
            // --limit-iface-in/out ask the device's own table, which the context does not describe.
            conditions.Add(new ConstantCondition(Truth.Maybe, "-m addrtype with --limit-iface: the per-device lookup is not modelled"));
            return;
        }

        if (block.Matches.Any(m => m is SetMatch)) untyped.RemoveAll(IpSets.SetMatchOptions.Read);
        foreach (var match in block.Matches)
        {
            if (match is ModuleOptionMatch or OpaqueMatch) continue;
            conditions.Add(match is SetMatch setMatch ? new SetCondition(setMatch, IpSets.SetMatchOptions.ReturnsNoMatch(block)) : Typed(match));
        }

        if (untyped.Count > 0) conditions.Add(new ConstantCondition(Truth.Maybe, ReasonFor(block.Module ?? ModuleOf(untyped[0]), untyped)));
    }

    private static Condition Typed(Match match) => match switch
    {
        AddressMatch m => new AddressCondition(m.Field, m.Value, m.Negated),
        InterfaceMatch m => new InterfaceCondition(m.Direction, m.Value, m.Negated),
        ProtocolMatch m => new ProtocolCondition(m.Value.Number, m.Negated),
        FragmentMatch m => new FragmentCondition(m.Negated),
        PortMatch m => new PortCondition(m.Field, m.Range, m.Negated),
        MultiportMatch m => new MultiportCondition(m.Field, m.Ranges, m.Negated),
        TcpFlagsMatch m => new TcpFlagsCondition(m.Mask, m.Compare, m.Negated),
        IcmpTypeMatch m => new IcmpTypeCondition(m),
        IcmpTypeSetMatch m => new IcmpTypeSetCondition(m),
        AddressSetMatch m => new AddressSetCondition(m),
        InterfaceSetMatch m => new InterfaceSetCondition(m),
        ProtocolSetMatch m => new ProtocolSetCondition(m),
        ConntrackStateMatch m => new ConntrackStateCondition(m.States, m.Negated, m.StateModule),
        MarkMatch m => new MarkCondition(m.Value, m.Negated, m.Connection),
        AddrTypeMatch m => new AddrTypeCondition(m),
        SetMatch m => new SetCondition(m, false),
        TupleSetMatch m => new TupleSetCondition(m),
        IpRangeMatch m => new AddressRangeCondition(m.Field, m.Family, m.First, m.Last, m.Negated),
        PhysdevInterfaceMatch or PhysdevFlagMatch => new PhysdevCondition(match),
        CommentMatch => new ConstantCondition(Truth.True, ""),
        _ => new ConstantCondition(Truth.Maybe, $"{match.Option}: not modelled"),
    };

    private static Match? RecentSetOnly(MatchBlock block)
    {
        var options = block.Matches.Select(m => m.Option.TrimStart('-')).ToList();
        if (options.Any(o => o is "rcheck" or "update" or "remove")) return null;
        return block.Matches.FirstOrDefault(m => m.Option.TrimStart('-') == "set");
    }

    private static string ModuleOf(Match match) => match switch
    {
        ModuleOptionMatch m => m.Module,
        OpaqueMatch m => m.Module,
        _ => "?",
    };

    private static string ReasonFor(string module, List<Match> options)
    {
        var what = module switch
        {
            "limit" or "hashlimit" => "depends on the rate of earlier packets",
            "connlimit" => "depends on the number of open connections",
            "statistic" => "depends on a random draw or a packet count",
            "recent" => "depends on the addresses recently seen",
            "owner" => "depends on the sending socket's owner",
            "string" => "depends on the payload",
            "time" => "depends on the time of day",
            "quota" or "connbytes" => "depends on traffic already counted",
            "mac" => "depends on the Ethernet source address, which a packet here does not carry",
            "conntrack" => "depends on conntrack details the engine does not track",
            _ => "is not modelled",
        };
        var text = string.Join("", options.Select(o => " " + o.Option));
        var opaque = options.Any(o => o is OpaqueMatch) ? " (unknown module)" : "";
        return $"-m {module}{text}{opaque} {what}";
    }
}
