namespace DockerFw.Core.Model.Values;

/// <summary>A packet or connection mark test: <c>(mark &amp; Mask) == Value</c>.</summary>
public sealed record MarkMask(uint Value, uint Mask)
{
    public bool Matches(uint mark) => (mark & Mask) == Value;

    /// <summary>The match form leaves a full mask out: <c>0x1</c>, <c>0x4000/0x4000</c>.</summary>
    public string FormatMatch() => Mask == uint.MaxValue ? $"0x{Value:x}" : $"0x{Value:x}/0x{Mask:x}";

    /// <summary>The MARK target always prints the mask: <c>--set-xmark 0x4000/0x4000</c>.</summary>
    public string FormatTarget() => $"0x{Value:x}/0x{Mask:x}";

    public static bool TryParse(string text, out MarkMask? value)
    {
        value = null;
        var slash = text.IndexOf('/');
        if (!TryParseNumber(slash < 0 ? text : text[..slash], out var v)) return false;
        var mask = uint.MaxValue;
        if (slash >= 0 && !TryParseNumber(text[(slash + 1)..], out mask)) return false;
        value = new MarkMask(v, mask);
        return true;
    }

    /// <summary>A value or mask as libxt_mark reads it: a base-0 number (<c>010</c> is 8) of 32 bits.</summary>
    private static bool TryParseNumber(string text, out uint number)
    {
        var ok = XtablesNumber.TryParse(text, uint.MaxValue, out var value);
        number = (uint)value;
        return ok;
    }
}
