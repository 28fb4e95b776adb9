using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>Reads iptables-save / ip6tables-save text (either back end, with or without -c).</summary>
/// <remarks>
/// Three steps: one pass over the lines reads everything but the rules (tables, chain lines, COMMIT,
/// comments) and notes where each rule line is; the rule lines are bound in batches, on two cores for a
/// large dump (<see cref="BindingPass"/>: the second core starts on a table's rule lines as the first pass
/// hands them over), each against the chains declared on earlier lines; a merge
/// takes the batches in order, puts each rule in its chain, runs each block's COMMIT checks once its
/// rules are in, and lays the diagnostics out in line order. The result is that of one pass, line by line.
/// </remarks>
public static class IptablesSaveReader
{
    /// <summary>
    /// Reads a whole dump. <paramref name="family"/> null: decided by the header
    /// (<c>ip6tables-save</c>) or else IPv4.
    /// </summary>
    public static ParseResult<Ruleset> Read(string text, string fileName, IpFamily? family = null) =>
        Read(text, fileName, family, BindingPass.ParallelFrom);

    /// <summary><see cref="Read(string, string, IpFamily?)"/> with the size from which rules are bound on a second core.</summary>
    internal static ParseResult<Ruleset> Read(string text, string fileName, IpFamily? family, int parallelFrom)
    {
        var resolved = family ?? HeaderFacts.SniffFamily(text) ?? IpFamily.V4;
        var early = new List<Diagnostic>();
        var steps = new ReadSteps(LineFeeds.Count(text) + 1);
        var facts = new HeaderFacts();
        var countersProblems = new List<(Diagnostic Error, Diagnostic? Warning)>();
        var diagnostics = new List<Diagnostic>();
        var tables = ImmutableArray.CreateBuilder<Table>();
        var sawCounters = false;
        var copied = 0;
        bool complete;
        var twoCores = text.Length >= parallelFrom && Environment.ProcessorCount >= 2;
        using (var pass = new BindingPass(text, fileName, resolved, steps, twoCores))
        {
            complete = ReadLines(text, fileName, early, steps, facts, countersProblems, pass);
            pass.Finish();
            foreach (var batch in pass.Batches())
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var step = steps[batch.First + i];
                    for (; copied < step.EarlierDiagnostics; copied++) diagnostics.Add(early[copied]);
                    var (from, to) = batch.DiagnosticsOf(i).GetOffsetAndLength(batch.Diagnostics.Count);
                    for (var d = from; d < from + to; d++) diagnostics.Add(batch.Diagnostics[d]);
                    var table = step.Table;
                    if (step.IsCommit)
                    {
                        if (table.LoopProblem() is { } loop) diagnostics.Add(loop);
                        diagnostics.AddRange(table.HookProblems());
                        tables.Add(table.Build());
                        continue;
                    }

                    var (noteFrom, notes) = batch.NotesOf(i).GetOffsetAndLength(batch.Notes.Count);
                    for (var n = noteFrom; n < noteFrom + notes; n++) batch.Notes[n].ApplyTo(table);
                    if (batch.RuleOf(i) is not { } rule) continue;
                    table.Add(rule);
                    if (rule.Counters is not null) sawCounters = true;
                }
            }
        }

        for (; copied < early.Count; copied++) diagnostics.Add(early[copied]);
        if (!complete) return new ParseResult<Ruleset>(null, [.. diagnostics]);

        // A dump whose rules carry counters is restored with --counters, which reads the policies' counters too.
        foreach (var (error, warning) in countersProblems)
            if ((sawCounters ? error : warning) is { } problem) diagnostics.Add(problem);
        var ruleset = facts.Apply(new Ruleset(resolved, tables.ToImmutable()));
        return new ParseResult<Ruleset>(ruleset, [.. diagnostics]);
    }

    /// <summary>
    /// The first pass: every line but the rules, whose lines and the COMMITs after them go to
    /// <paramref name="steps"/>. False when the dump cannot be read at all (CR LF line ends).
    /// </summary>
    private static bool ReadLines(string text, string fileName, List<Diagnostic> diagnostics, ReadSteps steps, HeaderFacts facts,
        List<(Diagnostic Error, Diagnostic? Warning)> countersProblems, BindingPass pass)
    {
        TableBuilder? open = null;
        var skipping = false;
        var rulesInBlock = false;
        var outsideReported = false;
        var lineNumber = 0;
        var lines = new DumpLines(text);
        while (lines.MoveNext())
        {
            lineNumber++;
            var span = lines.LineSpan;
            if (span.EndsWith('\r'))
            {
                // Every line would fail the same way; one error says it all.
                diagnostics.Add(Messages.CrLf(new SourceSpan(fileName, lineNumber, span.Length)));
                return false;
            }

            if (span.Length == 0) continue;
            if (span[0] == '#')
            {
                facts.Read(lines.Line);
                continue;
            }

            if (open is not null && !skipping && span[0] is not ('*' or ':') && span.TrimEnd(" \t") is not "COMMIT")
            {
                // A rule line: bound later, each a step of its own (rule lines never get a string or a span here).
                var number = open.CountRuleLine(RuleLine.ChainOf(span));
                steps.Add(new ReadStep(open, lineNumber, lines.LineStart, lines.LineEnd, lines.HadLineFeed, diagnostics.Count, false, number));
                rulesInBlock = true;
                pass.PublishRules();
                continue;
            }

            var at = new SourceSpan(fileName, lineNumber, 1);
            if (span[0] == '*')
            {
                var line = lines.Line;
                outsideReported = false;
                // The block before is left: its lines can be bound (no chain is declared in it any more).
                pass.Publish();
                if (open is not null) diagnostics.Add(Messages.MissingCommit(at, open.Name, open.Span.Line, $"'{line}'"));
                // Restore takes the name with strtok, so trailing blanks are allowed here (not after COMMIT).
                var name = line[1..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                open = new TableBuilder(name, at);
                rulesInBlock = false;
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
                    // Its loop and hook checks and the table itself wait for the block's rules.
                    steps.Add(new ReadStep(open, lineNumber, 0, 0, false, diagnostics.Count, true));
                }

                open = null;
                skipping = false;
                rulesInBlock = false;
                pass.Publish();
                continue;
            }

            if (open is null)
            {
                ReportOutside(lines.Line, at);
                continue;
            }

            if (skipping) continue;
            // A chain line after rule lines of its block: none of them may be bound while the chains change.
            if (rulesInBlock) pass.Hold();
            open.DeclareChain(lines.Line, at, diagnostics);
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

        return true;
    }
}
