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
    private static readonly Parser<(string Body, bool Closed)> QuotedSpan =
        from open in Parse.Char('"')
        from body in QuotedChar.Many().Text()
        from close in Parse.Char('"').Optional()
        select (body, close.IsDefined);

    /// <summary>A token that holds a quote, and whether the quote was closed: bare text, then a quoted span that ends the token.</summary>
    private static readonly Parser<(string Text, bool Closed)> QuotedTokenClosed =
        from head in BareText
        from quoted in QuotedSpan
        select (head + quoted.Body, quoted.Closed);

    /// <summary>A token that holds a quote: bare text, then a quoted span that ends the token.</summary>
    public static readonly Parser<string> QuotedToken = QuotedTokenClosed.Select(t => t.Text);

    private static readonly Parser<char> Blank = Parse.Chars(" \t\n");

    private static readonly Parser<int> Column = input => Result.Success(input.Position + 1, input);

    private static readonly Parser<Token> BareToken =
        from column in Column
        from text in Parse.CharExcept(" \t\n\"").AtLeastOnce().Text()
        from end in Parse.Char('"').Not()
        select new Token(text, column, false);

    private static readonly Parser<Token> AnyToken =
        BareToken.Or(from column in Column from quoted in QuotedTokenClosed select new Token(quoted.Text, column, true) { Unclosed = !quoted.Closed });

    /// <summary>
    /// The whole line as one grammar: the reference <see cref="Tokenize"/> must agree with. Its input
    /// is the line from the start index plus its line feed.
    /// </summary>
    public static readonly Parser<List<Token>> Line =
        (from leading in Blank.Many()
         from tokens in (from token in AnyToken from blanks in Blank.Many() select token).Many()
         select tokens.ToList()).End();

    /// <summary>
    /// The arguments of <paramref name="line"/> (without its line feed; <paramref name="hadLineFeed"/>
    /// says whether one ended it). Columns are 1-based positions in <paramref name="line"/>.
    /// </summary>
    /// <remarks>
    /// Reading the characters one by one through <see cref="Line"/> costs seconds on a 100,000-rule
    /// dump, so the two forms nearly every token takes, a bare run and a quoted span without
    /// escapes, are cut out by hand here; anything else goes through the grammar. A test checks
    /// that both agree on the corpus and on mutated lines.
    /// </remarks>
    public static List<Token> Tokenize(string line, int start, bool hadLineFeed) =>
        Tokenize(line, start, hadLineFeed, new StringPool(), new List<Token>(24));

    /// <summary>Tokenizes into <paramref name="tokens"/> (cleared first), taking strings from <paramref name="pool"/>.</summary>
    public static List<Token> Tokenize(string line, int start, bool hadLineFeed, StringPool pool, List<Token> tokens) =>
        Tokenize(line, 0, start, line.Length, hadLineFeed, pool, tokens);

    /// <summary>
    /// Tokenizes the line of <paramref name="text"/> that starts at <paramref name="lineStart"/> and
    /// ends before <paramref name="end"/>, from <paramref name="start"/>; columns count from the line's start.
    /// </summary>
    public static List<Token> Tokenize(string text, int lineStart, int start, int end, bool hadLineFeed, StringPool pool, List<Token> tokens)
    {
        tokens.Clear();
        var i = start;
        var parsedValue = false;
        while (i < end)
        {
            var c = text[i];
            if (c is ' ' or '\t')
            {
                i++;
                continue;
            }

            // Over a span, with a break: `stop < end && text[stop] is not (...)` was compiled to a flag tested apart and a
            // bounds check of the string, 14 instructions a character and most of the tokenizer's own.
            var rest = text.AsSpan(i, end - i);
            var length = 0;
            for (; length < rest.Length; length++)
            {
                var next = rest[length];
                if (next == ' ' || next == '\t' || next == '"') break;
            }

            var stop = i + length;
            var column = i - lineStart + 1;
            if (stop == end || text[stop] != '"')
            {
                // The common case, a run without quotes: no grammar needed to find where it ends.
                var bare = parsedValue ? text.Substring(i, stop - i) : pool.Get(text.AsSpan(i, stop - i));
                tokens.Add(new Token(bare, column, false));
                parsedValue = IsParsedValueOption(bare);
                i = stop;
                continue;
            }

            var close = text.AsSpan(stop + 1, end - stop - 1).IndexOf('"') is var at and >= 0 ? stop + 1 + at : -1;
            if (close > 0 && text.AsSpan(stop + 1, close - stop - 1).IndexOf('\\') < 0)
            {
                // A closed quote without escapes, the usual comment: the token is its text without the
                // quotes. Not pooled: comments are nearly all distinct, and a pool of 100,000 of them
                // cost more in lookups and growth than the few repeats it saved.
                tokens.Add(new Token(string.Concat(text.AsSpan(i, stop - i), text.AsSpan(stop + 1, close - stop - 1)), column, true));
                i = close + 1;
                parsedValue = false;
                continue;
            }

            // Escapes or an open quote: the grammar reads the token. The line feed is part of its
            // input so that an unterminated quote keeps it, as restore does.
            var input = hadLineFeed ? string.Concat(text.AsSpan(i, end - i), "\n") : text[i..end];
            var result = QuotedTokenClosed(new Input(input));
            tokens.Add(new Token(result.Value.Text, column, true) { Unclosed = !result.Value.Closed });
            i += result.Remainder.Position;
            parsedValue = false;
        }

        return tokens;
    }

    /// <summary>
    /// An option whose value the binder parses into the model (an address, ports, a NAT range) and
    /// drops. Its value is mostly distinct from rule to rule (100,000 addresses or port lists), so it is
    /// not pooled: looking each one up in the pool's set and adding it was a tenth of fmt's CPU on
    /// such dumps, for no sharing. Only the string's identity changes, never its text.
    /// </summary>
    private static bool IsParsedValueOption(string token) => token switch
    {
        "-s" or "-d" or "--source" or "--destination" or "--src" or "--dst" => true,
        "--dport" or "--sport" or "--dports" or "--sports" or "--ports" => true,
        "--destination-port" or "--source-port" or "--destination-ports" or "--source-ports" => true,
        "--to-destination" or "--to-source" => true,
        _ => false,
    };
}
