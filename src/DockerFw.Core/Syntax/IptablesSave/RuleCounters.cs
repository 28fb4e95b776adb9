using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Counters as iptables-restore reads them, each number with <c>sscanf("%llu")</c>: C's blanks and a sign may come
/// first, anything after the digits is ignored, a negative number wraps and an overflow saturates as strtoull does.
/// Three places hold them: a built-in chain's line (<c>sscanf(text, "[%llu:%llu]")</c>, so <c>[1:2]x</c> and
/// <c>[-1:0]</c> load), a rule's <c>[P:B]</c> prefix with <c>--counters</c> (cut with <c>strtok</c>: the packets up to
/// the first <c>:</c>, leading colons skipped, the bytes up to the <c>]</c>, so <c>[0:0:0]</c> loads and <c>[1::2]</c>
/// and <c>[1:]</c> do not) and <c>-c P B</c>, whose two arguments are read alike (<c>-c 5x 7</c> loads).
/// </summary>
internal static class RuleCounters
{
    /// <summary>A built-in chain's counters, the third field of its line.</summary>
    public static bool TryParsePolicy(string text, out Counters counters)
    {
        counters = Counters.Zero;
        var at = 0;
        if (!Literal(text, ref at, '[') || !CNumbers.Scan(text, ref at, out var packets)) return false;
        if (!Literal(text, ref at, ':') || !CNumbers.Scan(text, ref at, out var bytes)) return false;
        counters = new Counters(packets, bytes);
        return true;
    }

    /// <param name="inner">What lies between a rule's <c>[</c> and the first <c>]</c>.</param>
    public static bool TryParseBracketed(ReadOnlySpan<char> inner, out Counters counters)
    {
        counters = Counters.Zero;
        inner = inner.TrimStart(':');
        var colon = inner.IndexOf(':');
        // Without a ':' before the ']', or with nothing after it, restore's strtok reads on into the rule.
        if (colon < 0 || colon == inner.Length - 1) return false;
        if (!TryScan(inner[..colon], out var packets) || !TryScan(inner[(colon + 1)..], out var bytes)) return false;
        counters = new Counters(packets, bytes);
        return true;
    }

    /// <summary><c>sscanf(text, "%llu")</c> matching its one number.</summary>
    public static bool TryScan(ReadOnlySpan<char> text, out ulong value)
    {
        var at = 0;
        return CNumbers.Scan(text, ref at, out value);
    }

    private static bool Literal(ReadOnlySpan<char> text, ref int at, char c)
    {
        if (at >= text.Length || text[at] != c) return false;
        at++;
        return true;
    }
}
