using Sprache;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Splits a rule line into arguments exactly as iptables-restore does (<c>add_param_to_argv</c>):
/// blanks separate, only <c>"</c> quotes, <c>\x</c> is <c>x</c> inside quotes and literal outside, a
/// quote may open inside a token (<c>a"b c"</c> is <c>ab c</c>) and its closing quote always ends the
/// token, <c>""</c> is an empty argument, and <c>#</c> is data. An unterminated quote runs to the end
/// of the physical line and keeps the line feed, which restore accepts.
/// </summary>
internal static class RuleTokenizer
{
    private static readonly Parser<char> Escaped =
        from backslash in Parse.Char('\\')
        from c in Parse.AnyChar
        select c;

    private static readonly Parser<char> QuotedChar = Escaped.Or(Parse.CharExcept('"'));

    private static readonly Parser<string> BareText = Parse.CharExcept(" \t\n\"").Many().Text();

    /// <summary>A quoted span: the closing quote is optional because restore keeps an open quote to the end.</summary>
    private static readonly Parser<string> QuotedSpan =
        from open in Parse.Char('"')
        from body in QuotedChar.Many().Text()
        from close in Parse.Char('"').Optional()
        select body;

    /// <summary>A token that holds a quote: bare text, then a quoted span that ends the token.</summary>
    public static readonly Parser<string> QuotedToken =
        from head in BareText
        from quoted in QuotedSpan
        select head + quoted;

    /// <summary>
    /// The arguments of <paramref name="line"/> (without its line feed; <paramref name="hadLineFeed"/>
    /// says whether one ended it). Columns are 1-based positions in <paramref name="line"/>.
    /// </summary>
    public static List<Token> Tokenize(string line, int start, bool hadLineFeed)
    {
        var tokens = new List<Token>(24);
        var i = start;
        while (i < line.Length)
        {
            var c = line[i];
            if (c is ' ' or '\t')
            {
                i++;
                continue;
            }

            var end = i;
            while (end < line.Length && line[end] is not (' ' or '\t' or '"')) end++;
            if (end == line.Length || line[end] != '"')
            {
                // The common case, a run without quotes: no grammar needed to find where it ends.
                tokens.Add(new Token(line[i..end], i + 1, false));
                i = end;
                continue;
            }

            // The grammar reads the quoted token; the line feed is part of the input so an
            // unterminated quote keeps it, as restore does.
            var input = hadLineFeed ? string.Concat(line.AsSpan(i), "\n") : line[i..];
            var result = QuotedToken(new Input(input));
            tokens.Add(new Token(result.Value, i + 1, true));
            i += result.Remainder.Position;
        }

        return tokens;
    }
}
