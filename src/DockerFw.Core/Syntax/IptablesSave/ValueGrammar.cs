using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using DockerFw.Core.Model.Values;
using Sprache;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Grammars for the values inside rule and chain lines, small pieces first. Each recognises a whole
/// argument; callers use <see cref="TryParse{T}"/> and render their own message.
/// </summary>
internal static class ValueGrammar
{
    private static Parser<T> Fail<T>(string expected) =>
        i => Result.Failure<T>(i, expected, [expected]);

    public static readonly Parser<ulong> U64 =
        Parse.Digit.AtLeastOnce().Text().Then(digits =>
            ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? Parse.Return(n)
                : Fail<ulong>("an unsigned 64-bit number"))
        .Named("an unsigned 64-bit number");

    /// <summary><c>[packets:bytes]</c>.</summary>
    public static readonly Parser<Counters> Counters =
        from open in Parse.Char('[')
        from packets in U64
        from colon in Parse.Char(':')
        from bytes in U64
        from close in Parse.Char(']')
        select new Counters(packets, bytes);

    public static readonly Memo<Counters> CachedCounters = new(Counters);

    /// <summary>Parses the whole of <paramref name="text"/> or fails.</summary>
    public static bool TryParse<T>(this Parser<T> parser, string text, [MaybeNullWhen(false)] out T value)
    {
        var result = parser.End()(new Input(text));
        value = result.WasSuccessful ? result.Value : default!;
        return result.WasSuccessful;
    }
}
