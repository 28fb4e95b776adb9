using System.Globalization;
using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The regions of <c>dockerfw reach --format json</c> (docs/reach-json.md) and the verdict of one
/// concrete packet: the region whose box holds it. A packet is the values of its header dimensions
/// (<c>src</c>, <c>dst</c>, <c>proto</c>, <c>sport</c>, <c>dport</c>, <c>icmpType</c>, <c>state</c>,
/// <c>in</c>, <c>out</c>, <c>flags</c> for TCP: names like <c>SYN,ACK</c>; a box may give an interface side as <c>inExcept</c>/<c>outExcept</c>, the names
/// it leaves out); a dimension a box leaves out is unconstrained, one the packet has not (the
/// ports of an ICMP packet) keeps it out of a box that constrains it.
/// </summary>
public sealed class ReachRegions
{
    private readonly List<(string Verdict, List<Dictionary<string, string[]>> Boxes, string Rules, int[] Lines)> regions = [];
    private readonly HashSet<string> named = [];

    public ReachRegions(JsonElement document)
    {
        foreach (var r in document.GetProperty("regions").EnumerateArray())
        {
            var boxes = r.GetProperty("boxes").EnumerateArray()
                .Select(b => b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray()))
                .ToList();
            var rules = string.Join(", ", r.GetProperty("rules").EnumerateArray().Select(x =>
                $"{x.GetProperty("table").GetString()}/{x.GetProperty("chain").GetString()}#{x.GetProperty("rule").GetInt32()}"));
            // The main dump's line of each of its rules (an nft rule has a handle and line 1 of the JSON
            // listing; the other back end's tables, "iptables-legacy filter", count lines of their own dump).
            var lines = r.GetProperty("rules").EnumerateArray()
                .Where(x => !x.TryGetProperty("handle", out _) && !x.GetProperty("table").GetString()!.Contains(' ', StringComparison.Ordinal))
                .Select(x => x.GetProperty("line").GetInt32()).ToArray();
            regions.Add((r.GetProperty("verdict").GetString()!, boxes, rules, lines));
            named.UnionWith(boxes.SelectMany(b => b.Where(d => d.Key is "in" or "out" or "inExcept" or "outExcept").SelectMany(d => d.Value))
                .Where(v => !v.EndsWith(" (other)", StringComparison.Ordinal) && !v.EndsWith('+')));
        }
    }

    /// <summary>
    /// The verdict and the rules of the region holding the packet; null when no box holds it (outside
    /// the query). Boxes must be disjoint; where regions of different verdicts hold the packet (oracle
    /// finding F6: a box printed without its protocol constraint, e.g. <c>{}</c> for the protocols
    /// without ports) the answer is <see cref="Overlap"/> with every holding region's rules: reach
    /// said two things about the packet.
    /// </summary>
    public (string Verdict, string Rules, int[] Lines)? Of(IReadOnlyDictionary<string, string> packet)
    {
        // "br-+ (other)" stands for the names no rule names: only when no box names the device itself.
        foreach (var others in new[] { false, true })
        {
            var holding = regions.SelectMany(r => r.Boxes.Where(b => Holds(b, packet, others)).Select(b => (r.Verdict, r.Rules, r.Lines, Said: b.Count))).ToList();
            if (holding.Count == 0) continue;
            if (holding.Select(h => h.Verdict).Distinct().Count() > 1)
            {
                Overlapping = true;
                return (Overlap, string.Join(" | ", holding.Select(h => $"{h.Verdict}: {h.Rules}").Distinct()), []);
            }

            return (holding[0].Verdict, holding[0].Rules, holding[0].Lines);
        }

        return null;
    }

    public const string Overlap = "OVERLAP";

    /// <summary>Whether some packet looked up lay in boxes of regions with different verdicts (reach's contract says it cannot).</summary>
    public bool Overlapping { get; private set; }

    private bool Holds(Dictionary<string, string[]> box, IReadOnlyDictionary<string, string> packet, bool others) =>
        box.All(d => d.Key.EndsWith("Except", StringComparison.Ordinal)
            // "inExcept": every interface the query allows but these (the probe's are in the query).
            ? packet.TryGetValue(d.Key[..^"Except".Length], out var device) && !d.Value.Any(v => Excludes(v, device))
            : packet.TryGetValue(d.Key, out var value) && d.Value.Any(v => Matches(d.Key, v, value, others)));

    // An "(other)" entry stands for the names no box names, which the interfaces named anywhere tell.
    private bool Excludes(string entry, string device) =>
        entry.EndsWith(" (other)", StringComparison.Ordinal)
            ? !named.Contains(device) && Matches("in", entry, device, others: true)
            : Matches("in", entry, device, others: false);

    private static bool Matches(string dimension, string entry, string value, bool others)
    {
        switch (dimension)
        {
            case "in" or "out":
                if (entry.EndsWith(" (other)", StringComparison.Ordinal))
                    return others && value.StartsWith(entry[..^" (other)".Length].TrimEnd('+'), StringComparison.Ordinal);
                return entry.EndsWith('+') ? value.StartsWith(entry[..^1], StringComparison.Ordinal) : entry == value;
            case "state":
                return entry == value || entry.StartsWith(value + ",", StringComparison.Ordinal);
            case "src" or "dst":
                var a = IPAddress.Parse(value);
                var (lo, hi) = Split(entry);
                return IPAddress.TryParse(lo, out var l) && IPAddress.TryParse(hi, out var h) && Compare(l, a) <= 0 && Compare(a, h) <= 0;
            case "flags":
                // "COMP/MASK": the packet's flags in MASK are exactly COMP's; "!COMP/MASK": they are not.
                var parts = entry.TrimStart('!').Split('/');
                return ((Flags(value) & Flags(parts[1])) == Flags(parts[0])) != entry.StartsWith('!');
            case "mark":
                var m = long.Parse(value, CultureInfo.InvariantCulture);
                if (entry.Split('/') is [var v, var mask]) return (m & Hex(mask)) == Hex(v);
                var (ml, mh) = Split(entry);
                return Hex(ml) <= m && m <= Hex(mh);
            default:
                var n = long.Parse(value, CultureInfo.InvariantCulture);
                var (nl, nh) = Split(entry);
                return long.Parse(nl, CultureInfo.InvariantCulture) <= n && n <= long.Parse(nh, CultureInfo.InvariantCulture);
        }
    }

    // "lo-hi" or one value; IPv6 text has no '-', so the split is safe for both families.
    private static (string Lo, string Hi) Split(string entry) => entry.Split('-') is [var lo, var hi] ? (lo, hi) : (entry, entry);

    // Byte 13 of the TCP header, low bit first, in iptables' names (ECE and CWR beyond them).
    private static readonly string[] FlagNames = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];

    private static int Flags(string words) => words == "NONE" ? 0 : words.Split(',').Aggregate(0, (bits, w) =>
        Array.IndexOf(FlagNames, w) is >= 0 and var bit ? bits | 1 << bit : throw new FormatException($"no TCP flag '{w}' in '{words}'"));

    private static long Hex(string text) => Convert.ToInt64(text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text, 16);

    private static int Compare(IPAddress a, IPAddress b) =>
        a.AddressFamily != b.AddressFamily ? a.AddressFamily.CompareTo(b.AddressFamily) : a.GetAddressBytes().AsSpan().SequenceCompareTo(b.GetAddressBytes());
}
