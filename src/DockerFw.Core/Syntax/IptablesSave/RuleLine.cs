using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>One rule line, <c>[p:b] -A CHAIN ...</c>: its counters prefix, its arguments, and the rule they bind to.</summary>
internal static class RuleLine
{
    /// <summary>
    /// The rule of <paramref name="step"/>'s line of <paramref name="text"/>, or null after reporting
    /// to <paramref name="diagnostics"/> why not.
    /// </summary>
    public static Rule? Bind(string text, string fileName, in ReadStep step, ReadSession session, TableSoFar table, List<Diagnostic> diagnostics)
    {
        var at = new SourceSpan(fileName, step.Line, 1);
        var line = text.AsSpan(step.Start, step.End - step.Start);
        var start = 0;
        Counters? counters = null;
        if (line[0] == '[')
        {
            var close = line.IndexOf(']');
            if (close < 0 || !(ValueGrammar.CachedCounters.TryParse(line[..(close + 1)].ToString(), out counters) || RuleCounters.TryParseBracketed(line[1..close], out counters)))
            {
                var end = line.IndexOfAny(' ', '\t');
                diagnostics.Add(Messages.BadCounters(at, (end < 0 ? line : line[..end]).ToString()));
                return null;
            }

            start = close + 1;
            while (start < line.Length && line[start] is ' ' or '\t') start++;
        }

        var tokens = RuleTokenizer.Tokenize(text, step.Start, step.Start + start, step.End, step.LineFeed, session.Strings, session.Tokens);
        if (tokens.Count == 0)
        {
            diagnostics.Add(start == 0 ? Messages.BlankLine(at) : Messages.NoCommand(at.AtColumn(start + 1)));
            return null;
        }

        var context = session.Context(table, at, diagnostics);
        var source = text.AsMemory(step.Start + start, step.End - step.Start - start);
        return session.Binder.Bind(tokens, context, counters, start == 0 ? at : at.AtColumn(start + 1), source);
    }

    /// <summary>
    /// The chain of a line written as save writes it, <c>[p:b] -A CHAIN ...</c>; empty for any other form,
    /// which only the binder reads. A guess for numbering, never a check.
    /// </summary>
    public static ReadOnlySpan<char> ChainOf(ReadOnlySpan<char> line)
    {
        if (line.StartsWith('[') && line.IndexOf("] ") is var close and >= 0) line = line[(close + 2)..];
        if (!line.StartsWith("-A ")) return [];
        line = line[3..];
        var end = line.IndexOfAny(' ', '\t');
        return end < 0 ? line : line[..end];
    }
}
