using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// Whether a packet is in a <see cref="TupleSet"/>: the first element that holds it decides (a
/// <c>nomatch</c> element says no), none: not in it. A packet of another family, or a later fragment
/// (which has no port to read), is in no set of it. An element that may hold it (a field the way
/// no longer knows) before any that surely does leaves the answer open.
/// </summary>
internal static class TupleSetTest
{
    public static Truth Holds(TupleSet set, Branch p)
    {
        if (p.Family != set.Family) return Truth.False;
        foreach (var element in set.Elements)
        {
            var holds = Truth.True;
            // Truth orders False < Maybe < True: a conjunction is the least of its parts.
            for (var i = 0; i < set.Columns.Length && holds != Truth.False; i++)
                if (Holds(set.Columns[i], element.Values[i], p) is var part && part < holds) holds = part;
            if (holds == Truth.Maybe) return Truth.Maybe;
            if (holds == Truth.True) return TruthExtensions.From(element.Matches);
        }

        return Truth.False;
    }

    private static Truth Holds(TupleColumn column, TupleValue value, Branch p)
    {
        switch (column.Field)
        {
            case TupleSetField.Source or TupleSetField.Destination:
                var source = column.Field == TupleSetField.Source;
                if (!p.Knows(source ? PacketFields.Source : PacketFields.Destination)) return Truth.Maybe;
                var address = source ? p.Source : p.Destination;
                return TruthExtensions.From(address >= value.First && address <= value.Last);
            case TupleSetField.InInterface or TupleSetField.OutInterface:
                return TruthExtensions.From(value.Interface!.Matches(column.Field == TupleSetField.InInterface ? p.InView : p.OutView));
            default:
                var protocol = TuplePorts.ProtocolOf(column, value);
                if (p.Protocol != protocol || p.Fragment) return Truth.False;
                if (!TuplePorts.ReadsHeader(protocol)) return TruthExtensions.From(value.First == 0);
                var sourcePort = column.Field == TupleSetField.SourcePort;
                var port = sourcePort ? p.SourcePort : p.DestinationPort;
                if (!p.Knows(sourcePort ? PacketFields.SourcePort : PacketFields.DestinationPort) || port is null) return Truth.Maybe;
                return TruthExtensions.From((UInt128)port.Value >= value.First && (UInt128)port.Value <= value.Last);
        }
    }
}

/// <summary>
/// nft <c>ip daddr . tcp dport @set</c>, <c>!=</c> negated. The family is implied by the payload, so a
/// packet of the other family never matches, negated or not; the port columns' protocols are the
/// reader's <c>-p</c> beside it.
/// </summary>
internal sealed class TupleSetCondition(TupleSetMatch match) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context) =>
        p.Family != match.Set.Family ? Truth.False : TupleSetTest.Holds(match.Set, p).NegateIf(match.Negated);

    public override string Doubt => "a field of the tuple unknown after NAT";
}
