using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// What a question about VXLAN datagrams knows of its packets that the packet space does not hold:
/// the network id (VNI) in the VXLAN header and whether IPsec processed them on the way in. Docker's
/// encryption rules test exactly these (<c>-m u32 --u32 "0x0>>0x16&amp;0x3c@0xc&amp;0xffffff00=VNI&lt;&lt;8"</c>
/// and <c>-m policy --dir in --pol none|ipsec</c>), which the symbolic engine leaves undecidable for
/// want of a dimension. <see cref="Decide"/> evaluates those matches under what the question knows, so
/// they are decided exactly; every other one (a <c>-m bpf</c> program, a u32 expression of another
/// shape, policy options beyond <c>--dir in --pol</c>) stays undecidable, and the answer says why.
/// </summary>
/// <param name="Vni">The VNI of the datagrams, null when the question is about any.</param>
/// <param name="Ipsec">Whether they came through IPsec (decrypted ESP) or in cleartext; null: either.</param>
public sealed partial record VxlanPacket(int? Vni, bool? Ipsec)
{
    /// <summary>The ruleset with the matches this knowledge decides replaced: true ones left out, false ones making their rule never match. Rules keep their numbers.</summary>
    public Ruleset Decide(Ruleset ruleset) => ruleset with
    {
        Tables = [.. ruleset.Tables.Select(t => t with { Chains = [.. t.Chains.Select(c => c with { Rules = [.. c.Rules.Select(DecideRule)] })] })],
    };

    private Rule DecideRule(Rule rule)
    {
        var policy = rule.Matches.OfType<ModuleOptionMatch>().Where(m => m.Module == "policy").ToList();
        // Only --dir in with --pol says what a packet's own way in was; --strict, --reqid... name the policy further.
        var policyDecided = Ipsec is { } ipsec && policy.Count == 2 && policy.All(m => !m.Negated && m.Arguments.Length == 1)
            && policy.Any(m => m.Name == "--dir" && m.Arguments[0] == "in") && policy.FirstOrDefault(m => m.Name == "--pol") is { } pol
            && pol.Arguments[0] is "none" or "ipsec"
                ? (pol.Arguments[0] == "ipsec") == ipsec : (bool?)null;
        var never = policyDecided == false;
        var blocks = ImmutableArray.CreateBuilder<MatchBlock>();
        foreach (var block in rule.Blocks)
        {
            var kept = new List<Model.Matches.Match>();
            foreach (var match in block.Matches)
            {
                if (match is ModuleOptionMatch { Module: "policy" } && policyDecided is not null) continue;
                if (match is ModuleOptionMatch { Module: "u32", Name: "--u32" } u32 && Vni is { } vni && VniTested(u32) is { } tested)
                {
                    if ((tested == vni) == u32.Negated) never = true;
                    continue;
                }

                kept.Add(match);
            }

            if (kept.Count > 0 || block.IsCore) blocks.Add(new MatchBlock(block.Module, [.. kept]));
        }

        // `! -p all` never holds: the engine drops the rule from every flow, and its number stays.
        if (never) blocks.Add(new MatchBlock(null, [new ProtocolMatch(Protocol.All, true)]));
        return rule with { Blocks = blocks.ToImmutable() };
    }

    /// <summary>The VNI a u32 match tests when it is Docker's VXLAN test (the header's VNI field against one value), else null.</summary>
    public static int? VniTested(ModuleOptionMatch u32)
    {
        if (u32.Arguments.Length != 1 || DockerVniTest().Match(u32.Arguments[0].Trim('"')) is not { Success: true } m) return null;
        ulong[] expected = [0, 22, 0x3c, 12, 0xffffff00];
        for (var i = 0; i < expected.Length; i++)
            if (Number(m.Groups[i + 1].Value) != expected[i]) return null;
        return Number(m.Groups[6].Value) is { } value && (value & 0xff) == 0 && value >> 8 < 1 << 24 ? (int)(value >> 8) : null;
    }

    private static ulong? Number(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : null
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var dec) ? dec : null;

    // start>>shift&mask@offset&mask=value, in decimal or hex, as Docker writes it and iptables-save prints it.
    [GeneratedRegex(@"^(\w+)>>(\w+)&(\w+)@(\w+)&(\w+)=(\w+)$")]
    private static partial Regex DockerVniTest();
}
