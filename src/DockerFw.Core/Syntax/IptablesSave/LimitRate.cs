namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// <c>-m limit --limit RATE</c> as libxt_limit's parse_rate reads it: <c>atoi</c> of the text (a 32-bit
/// int, so <c>4294967301/d</c> is 5/day), then after '/' a unit that is a prefix of second, minute, hour or
/// day in any case (<c>5/MIN</c>); the rate must not be 0 nor faster than the kernel's 10000 per second.
/// </summary>
internal static class LimitRate
{
    private const uint Scale = 10000;

    private static readonly (string Unit, uint Seconds)[] Units = [("second", 1), ("minute", 60), ("hour", 3600), ("day", 86400)];

    public static bool IsValid(string text)
    {
        uint seconds = 1;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            var unit = text[(slash + 1)..];
            if (unit.Length == 0) return false;
            var found = Units.FirstOrDefault(u => unit.Length <= u.Unit.Length && u.Unit.StartsWith(unit, StringComparison.OrdinalIgnoreCase));
            if (found.Unit is null) return false;
            seconds = found.Seconds;
        }

        var rate = (uint)Atoi(text);
        return rate != 0 && Scale * seconds / rate != 0;
    }

    /// <summary>C's atoi: <c>(int)strtol(s, NULL, 10)</c>, saturating at 64 bits, then cut to 32.</summary>
    private static int Atoi(string text)
    {
        var i = 0;
        while (i < text.Length && CDouble.IsSpace(text[i])) i++;
        var negative = false;
        if (i < text.Length && text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }

        long value = 0;
        for (; i < text.Length && char.IsAsciiDigit(text[i]); i++)
        {
            var digit = text[i] - '0';
            if (value > (long.MaxValue - digit) / 10)
            {
                value = negative ? long.MinValue : long.MaxValue;
                return unchecked((int)value);
            }

            value = value * 10 + digit;
        }

        return unchecked((int)(negative ? -value : value));
    }
}
