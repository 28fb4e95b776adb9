using System.Text;
using DiffPlex.Model;

namespace DockerFw.Core.Remediation;

/// <summary>
/// A unified diff of two texts that <c>git apply</c> and <c>patch</c> accept: <c>a/</c> and <c>b/</c>
/// headers, hunks with three lines of context. Equal texts give the empty string.
/// </summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    public static string Of(string before, string after, string name = "iptables-save")
    {
        var a = LineDiff.Lines(before);
        var b = LineDiff.Lines(after);
        var blocks = LineDiff.Blocks(a, b);
        if (blocks.Count == 0) return "";

        var text = new StringBuilder($"--- a/{name}\n+++ b/{name}\n");
        foreach (var hunk in Hunks(blocks))
        {
            var first = hunk[0];
            var last = hunk[^1];
            var startA = Math.Max(0, first.DeleteStartA - Context);
            var endA = Math.Min(a.Length, last.DeleteStartA + last.DeleteCountA + Context);
            var startB = first.InsertStartB - (first.DeleteStartA - startA);
            var endB = endA - (last.DeleteStartA + last.DeleteCountA) + last.InsertStartB + last.InsertCountB;
            text.Append($"@@ -{HunkRange(startA, endA - startA)} +{HunkRange(startB, endB - startB)} @@\n");

            var lineA = startA;
            foreach (var block in hunk)
            {
                for (; lineA < block.DeleteStartA; lineA++) text.Append(' ').Append(a[lineA]).Append('\n');
                for (var i = 0; i < block.DeleteCountA; i++, lineA++) text.Append('-').Append(a[lineA]).Append('\n');
                for (var i = 0; i < block.InsertCountB; i++) text.Append('+').Append(b[block.InsertStartB + i]).Append('\n');
            }

            for (; lineA < endA; lineA++) text.Append(' ').Append(a[lineA]).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Blocks closer than twice the context share a hunk, as diff -u does.</summary>
    private static List<List<DiffBlock>> Hunks(IList<DiffBlock> blocks)
    {
        var hunks = new List<List<DiffBlock>>();
        foreach (var block in blocks)
        {
            if (hunks.Count > 0 && block.DeleteStartA - (hunks[^1][^1].DeleteStartA + hunks[^1][^1].DeleteCountA) <= 2 * Context)
                hunks[^1].Add(block);
            else
                hunks.Add([block]);
        }

        return hunks;
    }

    // diff -u numbers lines from 1 and names an empty range by the line before it.
    private static string HunkRange(int start, int count) => count == 0 ? $"{start},0" : $"{start + 1},{count}";
}
