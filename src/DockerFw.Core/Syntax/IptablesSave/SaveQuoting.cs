using System.Buffers;
using System.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>How iptables-save quotes values, so restore's tokenizer gives them back unchanged.</summary>
internal static class SaveQuoting
{
    private static readonly SearchValues<char> BareSafe =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private static readonly SearchValues<char> Splitting = SearchValues.Create(" \t\n\"");

    /// <summary>What <c>xtables_save_string</c> escapes with a backslash.</summary>
    private static readonly SearchValues<char> SaveStringEscapes = SearchValues.Create("\"\\'");

    /// <summary>What the other quoted values escape (libxt_string.c, and restore's own unquoting).</summary>
    private static readonly SearchValues<char> StringMatchEscapes = SearchValues.Create("\"\\");

    /// <summary>
    /// <c>xtables_save_string</c> (comment, log and nflog prefixes, helper): bare when non-empty and
    /// only <c>[A-Za-z0-9_-]</c>, else quoted with <c>"</c>, <c>\</c> and <c>'</c> escaped.
    /// </summary>
    public static StringBuilder AppendSaveString(this StringBuilder text, string value) =>
        value.Length > 0 && !value.AsSpan().ContainsAnyExcept(BareSafe) ? text.Append(value) : Quote(text, value, SaveStringEscapes);

    /// <summary><c>-m string --string</c>: always quoted, only <c>"</c> and <c>\</c> escaped (libxt_string.c).</summary>
    public static StringBuilder AppendStringMatch(this StringBuilder text, string value) => Quote(text, value, StringMatchEscapes);

    /// <summary>
    /// Any other value or name: bare unless restore would split or unquote it (save prints names raw,
    /// which is the same for every name restore can read back).
    /// </summary>
    public static StringBuilder AppendPlain(this StringBuilder text, string value) =>
        value.Length > 0 && !value.AsSpan().ContainsAny(Splitting) ? text.Append(value) : Quote(text, value, StringMatchEscapes);

    /// <summary>
    /// A value that ends in the line feed an unterminated quote swallowed (formats.md §1.5) is written
    /// unterminated again: restore accepts only that form. The reader makes such a value only from
    /// the last argument of a line, and the writer keeps it last.
    /// </summary>
    private static StringBuilder Quote(StringBuilder text, string value, SearchValues<char> escapes)
    {
        var close = !(value.EndsWith('\n') && value.IndexOf('\n') == value.Length - 1);
        var rest = close ? value.AsSpan() : value.AsSpan(0, value.Length - 1);
        text.Append('"');
        // Runs between escapes are appended whole: a comment is a few hundred characters with none,
        // and a check and an append per character were a quarter of fmt's instructions on long comments.
        while (rest.IndexOfAny(escapes) is var at and >= 0)
        {
            text.Append(rest[..at]).Append('\\').Append(rest[at]);
            rest = rest[(at + 1)..];
        }

        text.Append(rest);
        return close ? text.Append('"') : text;
    }
}
