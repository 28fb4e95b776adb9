using DiffPlex;
using DiffPlex.Model;

namespace DockerFw.Core.Remediation;

/// <summary>
/// The changed blocks between two lists of lines, in time near-linear in their length however much
/// changed. DiffPlex's Myers diff is O((N+M)·D): a snapshot with 200,000 changed lines took minutes.
/// Small inputs (the common prefix and suffix set aside) still go to DiffPlex whole, so every plan
/// and ordinary drift reads exactly as before; large ones are cut at anchors, lines that occur once
/// on each side, kept in order by a longest increasing subsequence (patience diff), and each stretch
/// between anchors goes to DiffPlex when it is small and is one replaced block when it is not: a
/// correct diff, not always the shortest.
/// </summary>
internal static class LineDiff
{
    /// <summary>Above this many line pairs (old lines times new lines) a stretch is not given to Myers.</summary>
    internal const long MyersBound = 1_000_000;

    /// <summary>How many line comparisons the last diff on this thread made; tests bound it.</summary>
    [ThreadStatic] internal static long Work;

    /// <summary>The lines of a text as DiffPlex's line diff cuts them (an ending line feed leaves an empty last line).</summary>
    public static string[] Lines(string text) => text.Split(["\r\n", "\r", "\n"], StringSplitOptions.None);

    public static List<DiffBlock> Blocks(string[] a, string[] b)
    {
        Work = 0;
        var blocks = new List<DiffBlock>();
        Region(a, b, 0, a.Length, 0, b.Length, blocks);
        return blocks;
    }

    private static void Region(string[] a, string[] b, int aLo, int aHi, int bLo, int bHi, List<DiffBlock> blocks)
    {
        while (aLo < aHi && bLo < bHi && a[aLo] == b[bLo]) (aLo, bLo, Work) = (aLo + 1, bLo + 1, Work + 1);
        while (aHi > aLo && bHi > bLo && a[aHi - 1] == b[bHi - 1]) (aHi, bHi, Work) = (aHi - 1, bHi - 1, Work + 1);
        if (aLo == aHi && bLo == bHi) return;
        if (aLo == aHi || bLo == bHi)
        {
            blocks.Add(new DiffBlock(aLo, aHi - aLo, bLo, bHi - bLo));
            return;
        }

        // A stretch with no line in common is one replaced block: Myers would spend (N+M)·D to say so.
        var (anchors, common) = Anchors(a, b, aLo, aHi, bLo, bHi);
        if (!common)
        {
            blocks.Add(new DiffBlock(aLo, aHi - aLo, bLo, bHi - bLo));
            return;
        }

        if ((long)(aHi - aLo) * (bHi - bLo) <= MyersBound)
        {
            Myers(a, b, aLo, aHi, bLo, bHi, blocks);
            return;
        }

        if (anchors.Count == 0)
        {
            blocks.Add(new DiffBlock(aLo, aHi - aLo, bLo, bHi - bLo));
            return;
        }

        foreach (var (ia, ib) in anchors)
        {
            Region(a, b, aLo, ia, bLo, ib, blocks);
            (aLo, bLo) = (ia + 1, ib + 1);
        }

        Region(a, b, aLo, aHi, bLo, bHi, blocks);
    }

    /// <summary>Lines once in each side's stretch, as (old index, new index), the longest chain in order on both sides.</summary>
    private static (List<(int A, int B)> Chain, bool Common) Anchors(string[] a, string[] b, int aLo, int aHi, int bLo, int bHi)
    {
        var seen = new Dictionary<string, (int CountA, int IndexA, int CountB, int IndexB)>(StringComparer.Ordinal);
        for (var i = aLo; i < aHi; i++)
        {
            seen.TryGetValue(a[i], out var s);
            seen[a[i]] = (s.CountA + 1, i, s.CountB, s.IndexB);
        }

        var common = false;
        for (var j = bLo; j < bHi; j++)
        {
            if (!seen.TryGetValue(b[j], out var s) || s.CountA == 0) continue;
            seen[b[j]] = (s.CountA, s.IndexA, s.CountB + 1, j);
            common = true;
        }

        Work += (aHi - aLo) + (bHi - bLo);

        var pairs = seen.Values.Where(s => s.CountA == 1 && s.CountB == 1).Select(s => (s.IndexA, s.IndexB)).OrderBy(p => p.IndexA).ToList();
        // Patience sorting: the longest run of pairs whose new indexes increase, in O(k log k).
        var tails = new List<int>();
        var previous = new int[pairs.Count];
        for (var k = 0; k < pairs.Count; k++)
        {
            int lo = 0, hi = tails.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (pairs[tails[mid]].IndexB < pairs[k].IndexB) lo = mid + 1;
                else hi = mid;
            }

            previous[k] = lo > 0 ? tails[lo - 1] : -1;
            if (lo == tails.Count) tails.Add(k);
            else tails[lo] = k;
        }

        var chain = new List<(int, int)>(tails.Count);
        for (var k = tails.Count > 0 ? tails[^1] : -1; k >= 0; k = previous[k]) chain.Add(pairs[k]);
        chain.Reverse();
        return (chain, common);
    }

    /// <summary>DiffPlex's shortest diff of one small stretch, its blocks moved to the stretch's place.</summary>
    private static void Myers(string[] a, string[] b, int aLo, int aHi, int bLo, int bHi, List<DiffBlock> blocks)
    {
        Work += (long)(aHi - aLo) * (bHi - bLo);
        // The chunker hands DiffPlex the stretches' lines themselves ("" would be no line at all to it).
        var (oldLines, newLines) = (a[aLo..aHi], b[bLo..bHi]);
        var diff = new Differ().CreateCustomDiffs("old", "new", false, false, text => text == "old" ? oldLines : newLines);
        foreach (var block in diff.DiffBlocks)
            blocks.Add(new DiffBlock(block.DeleteStartA + aLo, block.DeleteCountA, block.InsertStartB + bLo, block.InsertCountB));
    }
}
