using DockerFw.Core.Text;
using Sprache;

namespace DockerFw.Core.Policy;

/// <summary>
/// Reads a policy file. A syntax error is a value: one <c>DFW801</c> diagnostic at the furthest point the
/// grammar reached, saying what it expected and what it got.
/// </summary>
public static class PolicyReader
{
    public static ParseResult<PolicyDocument> Read(string text, string file)
    {
        var result = PolicyGrammar.Document(file).TryParse(text);
        if (result.WasSuccessful) return new ParseResult<PolicyDocument>(result.Value, []);

        var at = new SourceSpan(file, result.Remainder.Line, result.Remainder.Column);
        var expected = result.Expectations.Distinct().ToList();
        return new ParseResult<PolicyDocument>(null, [PolicyMessages.Syntax(at, expected, Got(result.Remainder))]);
    }

    // A word ends at blanks and at the language's punctuation, so 'maybe;' is reported as 'maybe'.
    private const string Punctuation = ";{},";

    private static string? Got(IInput remainder)
    {
        if (remainder.AtEnd) return null;
        var rest = remainder.Source[remainder.Position..];
        var word = new string(rest.TakeWhile(c => !char.IsWhiteSpace(c) && !Punctuation.Contains(c)).Take(24).ToArray());
        return word.Length == 0 ? rest[..1] : word;
    }
}
