using System.Text.Json;
using System.Text.RegularExpressions;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// A partial published port's <c>kept_out</c>: the connections its <c>reached_from</c> and
/// <c>reached_on</c> would claim and the filter drops, as pieces <c>from LIST on LIST from source
/// ports P</c> joined by <c>", "</c> (a list cut short ends <c>" and N more"</c>).
/// </summary>
public static partial class PortKeptOut
{
    /// <summary>Whether a piece names the probe; null when one may and the probe cannot tell (source ports, a list cut short).</summary>
    public static bool? Names(JsonElement port, Probe probe)
    {
        if (!port.TryGetProperty("kept_out", out var kept) || kept.ValueKind != JsonValueKind.String) return false;
        var text = kept.GetString()!;
        var more = More().Match(text);
        bool? result = false;
        foreach (var piece in (more.Success ? text[..more.Index] : text).Split(", "))
        {
            var m = Piece().Match(piece);
            if (!m.Success) return null;
            bool? Side(string group, System.Net.IPAddress? address) => m.Groups[group].Success ? AddressList.Holds(m.Groups[group].Value, address) : true;
            var (from, on) = (Side("from", probe.Source), Side("on", probe.Destination));
            if (from == false || on == false) continue;
            // The probes' source ports are the kernel's choice: a piece on some source ports may or may not be theirs.
            if (from == true && on == true && !m.Groups["ports"].Success) return true;
            result = null;
        }

        return more.Success && result == false ? null : result;
    }

    [GeneratedRegex(@"^(?:from (?!source )(?<from>\S+))? ?(?:on (?<on>\S+))? ?(?:from source ports? (?<ports>\S+))?$")]
    private static partial Regex Piece();

    [GeneratedRegex(@" and \d+ more$")]
    private static partial Regex More();
}
