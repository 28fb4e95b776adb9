using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// The header test that rejects most rules of a long chain (<c>-s</c>, <c>-d</c>, <c>-p</c>, not
/// negated), kept in one contiguous array per chain so a walk over tens of thousands of rules reads
/// memory in order instead of chasing one object per rule. A rule it lets through still gets its
/// full test.
/// </summary>
internal readonly struct Prefilter
{
    private readonly UInt128 _sourceValue, _sourceMask, _destinationValue, _destinationMask;
    private readonly int _protocol;

    private Prefilter(UInt128 sourceValue, UInt128 sourceMask, UInt128 destinationValue, UInt128 destinationMask, int protocol)
    {
        (_sourceValue, _sourceMask, _destinationValue, _destinationMask, _protocol) =
            (sourceValue, sourceMask, destinationValue, destinationMask, protocol);
    }

    public static Prefilter Of(Rule rule)
    {
        UInt128 sv = 0, sm = 0, dv = 0, dm = 0;
        var protocol = 0;
        foreach (var match in rule.Blocks.Where(b => b.IsCore).SelectMany(b => b.Matches))
        {
            switch (match)
            {
                case AddressMatch { Negated: false, Field: AddressField.Source } s:
                    (sv, sm) = (s.Value.Address, s.Value.Mask);
                    break;
                case AddressMatch { Negated: false } d:
                    (dv, dm) = (d.Value.Address, d.Value.Mask);
                    break;
                case ProtocolMatch { Negated: false } p:
                    protocol = p.Value.Number;
                    break;
            }
        }

        return new Prefilter(sv, sm, dv, dm, protocol);
    }

    /// <summary>False when the rule certainly does not match a packet with these (known) fields.</summary>
    public bool Admits(UInt128 source, UInt128 destination, int protocol) =>
        (source & _sourceMask) == _sourceValue
        && (destination & _destinationMask) == _destinationValue
        && (_protocol == 0 || _protocol == protocol);
}
