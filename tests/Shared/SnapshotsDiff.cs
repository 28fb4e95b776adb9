using System.Text;
using DiffPlex;
using DiffPlex.Model;

namespace DockerFw.Tests;

/// <summary>A unified diff (<c>diff -u</c> layout, 3 lines of context) of two texts, by DiffPlex.</summary>
internal static class UnifiedDiff
{
    private const int Context = 3;

    public static string Create(string before, string after, string beforeName, string afterName)
    {
        var result = new Differ().CreateCustomDiffs(before, after, false, Lines);
        var a = result.PiecesOld;
        var b = result.PiecesNew;
        var blocks = result.DiffBlocks;
        if (blocks.Count == 0) return "";

        var text = new StringBuilder($"--- {beforeName}\n+++ {afterName}\n");
        foreach (var hunk in Hunks(blocks))
            AppendHunk(text, hunk, a, b);
        return text.ToString();
    }

    // Blocks whose context would touch or overlap go into one hunk, as diff -u does.
    private static List<List<DiffBlock>> Hunks(IList<DiffBlock> blocks)
    {
        var hunks = new List<List<DiffBlock>> { new() { blocks[0] } };
        foreach (var block in blocks.Skip(1))
        {
            var previous = hunks[^1][^1];
            if (block.DeleteStartA - (previous.DeleteStartA + previous.DeleteCountA) <= 2 * Context)
                hunks[^1].Add(block);
            else
                hunks.Add([block]);
        }

        return hunks;
    }

    private static void AppendHunk(StringBuilder text, List<DiffBlock> hunk, string[] a, string[] b)
    {
        var first = hunk[0];
        var last = hunk[^1];
        var startA = Math.Max(0, first.DeleteStartA - Context);
        var startB = first.InsertStartB - (first.DeleteStartA - startA);
        var endA = Math.Min(a.Length, last.DeleteStartA + last.DeleteCountA + Context);
        var endB = last.InsertStartB + last.InsertCountB + (endA - (last.DeleteStartA + last.DeleteCountA));

        text.Append($"@@ -{Range(startA, endA - startA)} +{Range(startB, endB - startB)} @@\n");
        var lineA = startA;
        foreach (var block in hunk)
        {
            for (; lineA < block.DeleteStartA; lineA++) text.Append(' ').Append(a[lineA]).Append('\n');
            for (var i = 0; i < block.DeleteCountA; i++) text.Append('-').Append(a[block.DeleteStartA + i]).Append('\n');
            for (var i = 0; i < block.InsertCountB; i++) text.Append('+').Append(b[block.InsertStartB + i]).Append('\n');
            lineA = block.DeleteStartA + block.DeleteCountA;
        }

        for (; lineA < endA; lineA++) text.Append(' ').Append(a[lineA]).Append('\n');
    }

    // diff -u numbers lines from 1; an empty range names the line before it.
    private static string Range(int start, int count) => count == 1 ? $"{start + 1}" : $"{(count == 0 ? start : start + 1)},{count}";

    // diff -u does not count the empty text after a final newline as a line.
    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
}
