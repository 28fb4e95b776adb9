using DiffPlex;
using DiffPlex.Model;
using DockerFw.Core.Remediation;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// The line diff behind plans and snapshot checks: DiffPlex's own answer on ordinary inputs, and on
/// huge ones a correct diff whose work grows with the input, not with its square (issue 14: a
/// snapshot with 200,000 changed lines took minutes).
/// </summary>
public sealed class LineDiffTests
{
    [Fact]
    public void Small_inputs_get_diffplexs_own_blocks()
    {
        var random = new Random(14);
        for (var run = 0; run < 300; run++)
        {
            var a = Lines(random, random.Next(0, 40));
            var b = Mutate(a, random);
            var before = string.Join('\n', a) + "\n";
            var after = string.Join('\n', b) + "\n";
            var expected = new Differ().CreateLineDiffs(before, after, false, false).DiffBlocks;
            var actual = LineDiff.Blocks(LineDiff.Lines(before), LineDiff.Lines(after));
            Assert.Equal(expected.Select(Text), actual.Select(Text));
        }
    }

    [Fact]
    public void Two_hundred_thousand_changed_lines_take_work_linear_in_the_input()
    {
        // 100,000 lines each side, every one changed but the header and one in a thousand: 200,000 changed lines.
        var a = new[] { "*filter" }.Concat(Enumerable.Range(0, 100_000).Select(i => i % 1000 == 0 ? $"same {i}" : $"-A X -s 10.{i >> 16}.{(i >> 8) & 255}.{i & 255} -j ACCEPT")).ToArray();
        var b = new[] { "*filter" }.Concat(Enumerable.Range(0, 100_000).Select(i => i % 1000 == 0 ? $"same {i}" : $"-A X -s 10.{i >> 16}.{(i >> 8) & 255}.{i & 255} -j DROP")).ToArray();
        var blocks = LineDiff.Blocks(a, b);
        Assert.True(LineDiff.Work <= 40L * (a.Length + b.Length), $"{LineDiff.Work} line comparisons for {a.Length + b.Length} lines");
        Assert.Equal(b, Apply(a, b, blocks));
        Assert.Equal(100, blocks.Count);
    }

    [Fact]
    public void Large_inputs_with_repeated_lines_still_diff_correctly()
    {
        var random = new Random(7);
        var a = Enumerable.Range(0, 30_000).Select(i => random.Next(4) == 0 ? "COMMIT" : $"line {random.Next(20_000)}").ToArray();
        var b = Mutate(a, random, changes: 8_000);
        var blocks = LineDiff.Blocks(a, b);
        Assert.Equal(b, Apply(a, b, blocks));
    }

    private static string Text(DiffBlock b) => $"{b.DeleteStartA}+{b.DeleteCountA}/{b.InsertStartB}+{b.InsertCountB}";

    /// <summary>The new lines rebuilt from the old ones and the blocks: what a reader of the diff would do.</summary>
    private static string[] Apply(string[] a, string[] b, List<DiffBlock> blocks)
    {
        var result = new List<string>();
        var at = 0;
        foreach (var block in blocks)
        {
            Assert.True(block.DeleteStartA >= at, "blocks in order");
            result.AddRange(a[at..block.DeleteStartA]);
            result.AddRange(b[block.InsertStartB..(block.InsertStartB + block.InsertCountB)]);
            at = block.DeleteStartA + block.DeleteCountA;
        }

        result.AddRange(a[at..]);
        return [.. result];
    }

    private static string[] Lines(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => $"l{random.Next(12)}")];

    private static string[] Mutate(string[] a, Random random, int? changes = null)
    {
        var lines = a.ToList();
        for (var n = changes ?? random.Next(0, 6); n > 0; n--)
        {
            var at = random.Next(lines.Count + 1);
            switch (random.Next(3))
            {
                case 0: lines.Insert(at, $"n{random.Next(12)}"); break;
                case 1 when at < lines.Count: lines.RemoveAt(at); break;
                default: if (at < lines.Count) lines[at] = $"c{random.Next(12)}"; break;
            }
        }

        return [.. lines];
    }
}
