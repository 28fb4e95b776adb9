using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// A rule's counters as iptables-restore --counters reads them. A line's <c>[P:B]</c> is cut with
/// <c>strtok</c> (the packets up to the first <c>:</c>, leading colons skipped; the bytes up to the
/// <c>]</c>) and each half, like <c>-c P B</c>'s, is read by <c>sscanf("%llu")</c>: blanks and a sign may
/// come first, anything after the digits is ignored, a negative number wraps. So <c>[0:0:0]</c>,
/// <c>[-1:0]</c> and <c>-c 5x 7</c> load; <c>[1::2]</c> and <c>[1:]</c> do not.
/// </summary>
internal static class RuleCounters
{
    /// <param name="inner">What lies between the <c>[</c> and the first <c>]</c>.</param>
    public static bool TryParseBracketed(ReadOnlySpan<char> inner, out Counters counters)
    {
        counters = Counters.Zero;
        inner = inner.TrimStart(':');
        var colon = inner.IndexOf(':');
        // Without a ':' before the ']', or with nothing after it, restore's strtok reads on into the rule.
        if (colon < 0 || colon == inner.Length - 1) return false;
        if (!TryScan(inner[..colon].ToString(), out var packets) || !TryScan(inner[(colon + 1)..].ToString(), out var bytes)) return false;
        counters = new Counters(packets, bytes);
        return true;
    }

    /// <summary><c>sscanf(text, "%llu")</c> matching its one number.</summary>
    public static bool TryScan(string text, out ulong value)
    {
        var at = 0;
        return PolicyCounters.Number(text, ref at, out value);
    }
}
