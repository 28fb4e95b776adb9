using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>Reads iptables-save / ip6tables-save text (either back end, with or without -c).</summary>
public static class IptablesSaveReader
{
    /// <summary>
    /// Reads a whole dump. <paramref name="family"/> null: decided by the header
    /// (<c>ip6tables-save</c>) or else IPv4.
    /// </summary>
    public static ParseResult<Ruleset> Read(string text, string fileName, IpFamily? family = null) =>
        Read(text, fileName, family, DumpLines.ParallelFrom);

    /// <summary><see cref="Read(string, string, IpFamily?)"/> with the size from which lines are prepared on a second core.</summary>
    internal static ParseResult<Ruleset> Read(string text, string fileName, IpFamily? family, int parallelFrom)
    {
        var resolved = family ?? HeaderFacts.SniffFamily(text) ?? IpFamily.V4;
        var diagnostics = new List<Diagnostic>();
        var session = new ReadSession(resolved, diagnostics);
        var facts = new HeaderFacts();
        var tables = ImmutableArray.CreateBuilder<Table>();
        TableBuilder? open = null;
        var countersProblems = new List<(Diagnostic Error, Diagnostic? Warning)>();
        var skipping = false;
        var outsideReported = false;
        var lineNumber = 0;
        using var lines = new DumpLines(text, parallelFrom);
        while (lines.MoveNext())
        {
            lineNumber++;
            // Rule lines stay slices of the text; only the other lines get strings of their own.
            var span = lines.LineSpan;
            var at = new SourceSpan(fileName, lineNumber, 1);

            if (span.EndsWith('\r'))
            {
                // Every line would fail the same way; one error says it all.
                diagnostics.Add(Messages.CrLf(at.AtColumn(span.Length)));
                return new ParseResult<Ruleset>(null, [.. diagnostics]);
            }

            if (span.Length == 0) continue;
            if (span[0] == '#')
            {
                facts.Read(lines.Line);
                continue;
            }

            if (span[0] == '*')
            {
                var line = lines.Line;
                outsideReported = false;
                if (open is not null) diagnostics.Add(Messages.MissingCommit(at, open.Name, open.Span.Line, $"'{line}'"));
                // Restore takes the name with strtok, so trailing blanks are allowed here (not after COMMIT).
                var name = line[1..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                open = new TableBuilder(name, at);
                skipping = !Table.KnownNames.Contains(name);
                if (skipping) diagnostics.Add(Messages.UnknownTable(at.AtColumn(2), name));
                continue;
            }

            if (span.TrimEnd(" \t") is "COMMIT")
            {
                if (span is not "COMMIT") diagnostics.Add(Messages.CommitWithBlanks(at, lines.Line));
                else if (!lines.HadLineFeed) diagnostics.Add(Messages.CommitWithoutLineFeed(at.AtColumn(7)));
                if (open is null) ReportOutside(lines.Line, at);
                else if (!skipping)
                {
                    countersProblems.AddRange(open.CountersProblems);
                    if (open.LoopProblem() is { } loop) diagnostics.Add(loop);
                    diagnostics.AddRange(open.HookProblems());
                    tables.Add(open.Build());
                }

                open = null;
                skipping = false;
                continue;
            }

            if (open is null)
            {
                ReportOutside(lines.Line, at);
                continue;
            }

            if (skipping) continue;
            if (span[0] == ':') open.DeclareChain(lines.Line, at, diagnostics);
            else ReadRule(at, open, session, lines);
        }

        // Restore stops at the first line outside a table; one error per run of such lines says it.
        void ReportOutside(string line, SourceSpan at)
        {
            if (!outsideReported) diagnostics.Add(Messages.OutsideTable(at, line));
            outsideReported = true;
        }

        if (open is not null)
        {
            var eof = new SourceSpan(fileName, lineNumber + 1, 1);
            diagnostics.Add(Messages.MissingCommit(eof, open.Name, open.Span.Line, "the end of the input"));
        }

        // A dump whose rules carry counters is restored with --counters, which reads the policies' counters too.
        foreach (var (error, warning) in countersProblems)
            if ((session.SawCounters ? error : warning) is { } problem) diagnostics.Add(problem);
        var ruleset = facts.Apply(new Ruleset(resolved, tables.ToImmutable()));
        return new ParseResult<Ruleset>(ruleset, [.. diagnostics]);
    }

    private static void ReadRule(SourceSpan at, TableBuilder table, ReadSession session, DumpLines lines)
    {
        var diagnostics = session.Diagnostics;
        var line = lines.LineSpan;
        var start = 0;
        Counters? counters = null;
        if (line[0] == '[')
        {
            var close = line.IndexOf(']');
            if (close < 0 || !(ValueGrammar.CachedCounters.TryParse(line[..(close + 1)].ToString(), out counters) || RuleCounters.TryParseBracketed(line[1..close], out counters)))
            {
                var end = line.IndexOfAny(' ', '\t');
                diagnostics.Add(Messages.BadCounters(at, (end < 0 ? line : line[..end]).ToString()));
                return;
            }

            start = close + 1;
            while (start < line.Length && line[start] is ' ' or '\t') start++;
        }

        var tokens = lines.TryTokens(start, session.Tokens)
            ? session.Tokens
            : RuleTokenizer.Tokenize(lines.Text, lines.LineStart, lines.LineStart + start, lines.LineEnd, lines.HadLineFeed, session.Strings, session.Tokens);
        if (tokens.Count == 0)
        {
            diagnostics.Add(start == 0 ? Messages.BlankLine(at) : Messages.NoCommand(at.AtColumn(start + 1)));
            return;
        }

        var context = session.Context(table, at);
        var source = lines.Text.AsMemory(lines.LineStart + start, lines.LineEnd - lines.LineStart - start);
        var rule = session.Binder.Bind(tokens, context, counters, start == 0 ? at : at.AtColumn(start + 1), source);
        if (rule is null) return;
        table.Add(rule);
        if (rule.Counters is not null) session.SawCounters = true;
    }
}
