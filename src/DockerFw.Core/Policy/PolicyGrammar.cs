using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;
using Sprache;

namespace DockerFw.Core.Policy;

/// <summary>
/// The policy language (docs/policy.md), small pieces first and <see cref="Document"/> last. Statements
/// start with a keyword, so separators are optional; a trailing <c>;</c> is allowed everywhere.
/// Built per file because every position it records carries the file's name.
/// </summary>
internal static class PolicyGrammar
{
    private static readonly Parser<string> Comment =
        from hash in Parse.Char('#')
        from rest in Parse.CharExcept('\n').Many().Text()
        select rest;

    private static readonly Parser<string> Gap =
        Parse.WhiteSpace.Return("").Or(Comment).Many().Return("");

    private static readonly Parser<char> NameChar =
        Parse.LetterOrDigit.Or(Parse.Chars("_.")).Or(Parse.Char('-').Except(Parse.String("->")));

    private static readonly Parser<string> Word =
        (from first in Parse.LetterOrDigit
         from rest in NameChar.Many().Text()
         select first + rest).Named("a name");

    private static readonly Parser<string> Semicolon = Token(Parse.Char(';').Return(";")).Optional().Return(";");

    private static readonly Parser<PortRange> PortRangeText =
        from first in Port
        from last in Parse.Char('-').Then(_ => Port).Optional()
        where last.GetOrElse(first) >= first
        select new PortRange(first, last.GetOrElse(first));

    private static Parser<int> Port =>
        Parse.Digit.AtLeastOnce().Text()
            .Where(t => t.Length <= 5 && int.Parse(t, System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 65535)
            .Select(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture))
            .Named("a port 1-65535");

    private static readonly Parser<Protocol> TransportProtocol =
        Parse.String("tcp").Return(new Protocol(Protocol.Tcp, "tcp"))
            .Or(Parse.String("udp").Return(new Protocol(Protocol.Udp, "udp")))
            .Or(Parse.String("sctp").Return(new Protocol(Protocol.Sctp, "sctp")))
            .Named("tcp/PORT, udp/PORT or sctp/PORT");

    private static readonly Parser<PortSpec> PortSpecText =
        Token(from protocol in TransportProtocol
              from slash in Parse.Char('/')
              from ports in PortRangeText.Named("a port or a range FIRST-LAST of ports 1-65535")
              from end in NameChar.Not()
              select new PortSpec(protocol, ports));

    private static readonly Parser<AddressMask> Address =
        Token(Parse.Chars("0123456789abcdefABCDEF:./").AtLeastOnce().Text()
            .Select(ParseAddress)
            .Where(a => a is not null)
            .Select(a => a!)
            .Named("an IPv4 or IPv6 address or CIDR"));

    private static readonly Parser<bool> OnOff =
        Token(Keyword("on").Return(true).Or(Keyword("off").Return(false))).Named("'on' or 'off'");

    private static readonly Parser<DockerUserDefault> UserDefault =
        Token(Keyword("return").Return(DockerUserDefault.Return)
            .Or(Keyword("accept").Return(DockerUserDefault.Accept))
            .Or(Keyword("drop").Return(DockerUserDefault.Drop))).Named("'return', 'accept' or 'drop'");

    public static Parser<PolicyDocument> Document(string file)
    {
        var name = Token(Word.Span()).Select(s => new PolicyName(s.Value, At(file, s.Start)));

        var allow =
            from keyword in Token(Keyword("allow").Span())
            from source in name
            from arrow in Token(Parse.String("->")).Named("'->'")
            from destination in name
            from port in PortSpecText.XOptional()
            from end in Semicolon
            select new AllowStatement(source, destination, port.GetOrDefault(), At(file, keyword.Start));

        var link =
            from keyword in Token(Keyword("link").Span())
            from client in name
            from arrow in Token(Parse.String("->")).Named("'->'")
            from server in name
            from end in Semicolon
            select new LinkStatement(client, server, At(file, keyword.Start));

        var setting = (string keyword) =>
            from word in Token(Keyword(keyword).Span())
            from value in OnOff
            from end in Semicolon
            select (keyword, new Setting(value, At(file, word.Start)));

        var blockItem =
            allow.Select(a => (object)a)
                .Or(link.Select(l => (object)l))
                .Or(setting("icc").Select(s => (object)s))
                .Or(setting("masquerade").Select(s => (object)s));

        var network =
            from keyword in Token(Keyword("network").Span())
            from networkName in name
            from open in Token(Parse.Char('{')).Named("'{'")
            from items in blockItem.XMany()
            from close in Token(Parse.Char('}')).Named("'}', 'allow', 'link', 'icc' or 'masquerade'")
            from end in Semicolon
            select Block(networkName, items.ToImmutableArray(), At(file, keyword.Start));

        var publish =
            from keyword in Token(Keyword("publish").Span())
            from container in name
            from port in PortSpecText
            from restriction in Token(Keyword("on").Return(PublishRestriction.OnHostAddresses)
                .Or(Keyword("from").Return(PublishRestriction.FromSources))).Named("'on' or 'from'")
            from addresses in Address.DelimitedBy(Token(Parse.Char(',')))
            from end in Semicolon
            select new PublishStatement(container, port, restriction, addresses.ToImmutableArray(), At(file, keyword.Start));

        var dockerUser =
            from keyword in Token(Keyword("docker-user").Span())
            from word in Token(Keyword("default")).Named("'default'")
            from verdict in UserDefault
            from end in Semicolon
            select new DockerUserStatement(verdict, At(file, keyword.Start));

        var statement =
            allow.Select(s => (PolicyStatement)s)
                .Or(network)
                .Or(publish)
                .Or(dockerUser)
                .Named("'allow', 'network', 'publish' or 'docker-user'");

        return from leading in Gap
               from statements in UntilEnd(statement)
               select new PolicyDocument(file, statements.ToImmutableArray());
    }

    private static NetworkBlock Block(PolicyName network, ImmutableArray<object> items, SourceSpan at) => new(
        network,
        Settings(items, "icc"),
        Settings(items, "masquerade"),
        items.OfType<AllowStatement>().ToImmutableArray(),
        at)
    {
        RepeatedSettings = items.OfType<(string, Setting)>().GroupBy(i => i.Item1).SelectMany(g => g.Skip(1)).Select(i => i.Item2).ToImmutableArray(),
        Links = items.OfType<LinkStatement>().ToImmutableArray(),
    };

    private static Setting? Settings(ImmutableArray<object> items, string keyword) =>
        items.OfType<(string Keyword, Setting Setting)>().Where(i => i.Keyword == keyword).Select(i => i.Setting).FirstOrDefault();

    // A whole word compared afterwards, so a misspelt keyword fails where it starts, not mid-word.
    private static Parser<string> Keyword(string keyword) =>
        Word.Where(w => w == keyword).Named($"'{keyword}'");

    /// <summary>Items up to the end of the text; the first that does not parse is the error.</summary>
    private static Parser<IEnumerable<T>> UntilEnd<T>(Parser<T> item) => input =>
    {
        var items = new List<T>();
        while (!input.AtEnd)
        {
            var result = item(input);
            if (!result.WasSuccessful) return Result.Failure<IEnumerable<T>>(result.Remainder, result.Message, result.Expectations);
            items.Add(result.Value);
            input = result.Remainder;
        }

        return Result.Success<IEnumerable<T>>(items, input);
    };

    private static Parser<T> Token<T>(Parser<T> parser) =>
        from value in parser
        from gap in Gap
        select value;

    private static SourceSpan At(string file, Position start) => new(file, start.Line, start.Column);

    private static AddressMask? ParseAddress(string text) =>
        AddressMask.TryParse(text, IpFamily.V4, out var v4) ? v4
        : AddressMask.TryParse(text, IpFamily.V6, out var v6) ? v6
        : null;
}
