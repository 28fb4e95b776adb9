using System.Globalization;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// C's <c>strtod</c> over a whole text, as libxtables reads XTTYPE_DOUBLE: blanks and a sign first, then a
/// decimal number with an optional exponent, a hexadecimal one (<c>0x0.8</c> is 0.5, <c>p</c> exponent),
/// <c>inf</c>/<c>infinity</c> or <c>nan</c>/<c>nan(...)</c> in any case.
/// </summary>
internal static class CDouble
{
    public static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    public static bool TryParse(string text, out double value)
    {
        value = 0;
        var i = 0;
        while (i < text.Length && IsSpace(text[i])) i++;
        var negative = false;
        if (i < text.Length && text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }

        var rest = text[i..];
        if (Is(rest, "inf") || Is(rest, "infinity")) value = double.PositiveInfinity;
        else if (Is(rest, "nan") || (rest.Length > 4 && rest[..4].Equals("nan(", StringComparison.OrdinalIgnoreCase) && rest[^1] == ')'
            && rest[4..^1].All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))) value = double.NaN;
        else if (rest.Length > 2 && rest[0] == '0' && rest[1] is 'x' or 'X' && (char.IsAsciiHexDigit(rest[2]) || (rest[2] == '.' && rest.Length > 3 && char.IsAsciiHexDigit(rest[3]))))
        {
            if (!TryHex(rest[2..], out value)) return false;
        }
        else if (!TryDecimal(rest, out value)) return false;

        if (negative) value = -value;
        return true;
    }

    private static bool Is(string text, string word) => text.Equals(word, StringComparison.OrdinalIgnoreCase);

    private static bool TryDecimal(string text, out double value)
    {
        value = 0;
        var i = Digits(text, 0, char.IsAsciiDigit);
        var whole = i;
        if (i < text.Length && text[i] == '.') i = Digits(text, i + 1, char.IsAsciiDigit);
        if (whole == 0 && i <= 1) return false;
        if (i < text.Length && text[i] is 'e' or 'E') i = Exponent(text, i);
        return i == text.Length && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Hexadecimal digits with an optional point, then an optional binary exponent <c>p[+-]N</c>.</summary>
    private static bool TryHex(string text, out double value)
    {
        value = 0;
        var scale = 0;
        var i = 0;
        var point = false;
        for (; i < text.Length && (char.IsAsciiHexDigit(text[i]) || (text[i] == '.' && !point)); i++)
        {
            if (text[i] == '.')
            {
                point = true;
                continue;
            }

            value = value * 16 + Convert.ToInt32(text[i].ToString(), 16);
            if (point) scale -= 4;
        }

        var exponent = 0;
        if (i < text.Length && text[i] is 'p' or 'P')
        {
            var end = Exponent(text, i);
            if (end == i) return false;
            exponent = int.Parse(text[(i + 1)..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            i = end;
        }

        value = Math.ScaleB(value, scale + exponent);
        return i == text.Length;
    }

    /// <summary>The end of an exponent <c>e[+-]N</c> starting at <paramref name="at"/>, or <paramref name="at"/> when it is none.</summary>
    private static int Exponent(string text, int at)
    {
        var i = at + 1;
        if (i < text.Length && text[i] is '+' or '-') i++;
        var end = Digits(text, i, char.IsAsciiDigit);
        return end == i ? at : end;
    }

    private static int Digits(string text, int at, Func<char, bool> digit)
    {
        while (at < text.Length && digit(text[at])) at++;
        return at;
    }
}
