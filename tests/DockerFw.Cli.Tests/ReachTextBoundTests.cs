using System.Globalization;
using System.Text;
using DockerFw.Cli.Commands;
using DockerFw.Cli.Tests.Support;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Tests;

/// <summary>
/// reach's text stays short whatever the answer (issue 14): a box of "any output but one of these
/// bridges" used to list every other bridge, so 2,000 such rules wrote 194 MB and 20,000 crashed past
/// 2^31 characters. Interface sets are written as wildcards, "any but", or the first names and a
/// count; what is written in full still means exactly the set.
/// </summary>
public sealed class ReachTextBoundTests
{
    [Fact]
    public void Rules_on_hundreds_of_bridges_write_each_box_in_one_short_line()
    {
        const int Rules = 300;
        var dump = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        for (var i = 0; i < Rules; i++)
            dump.Append(CultureInfo.InvariantCulture, $"-A FORWARD -i br-{i:x4} ! -o br-{i * 7 % Rules:x4} -p tcp -m tcp --dport {1000 + i} -j ACCEPT\n");
        dump.Append("COMMIT\n");
        var file = Path.Combine(Path.GetTempPath(), $"dockerfw-reach-bound-{Guid.NewGuid():N}.rules");
        File.WriteAllText(file, dump.ToString());
        CliRun run;
        try
        {
            run = Dockerfw.Run(["reach", "--iptables", file]);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n');
        Assert.All(lines, line => Assert.True(line.Length < 400, line[..Math.Min(line.Length, 400)]));
        // Rule 8 lets br-0008 reach every bridge but br-0038 (8 * 7 = 56).
        Assert.Contains(lines, l => l.Contains("dport 1008 ", StringComparison.Ordinal) && l.EndsWith("in br-0008  out any but br-0038", StringComparison.Ordinal));
        Assert.True(run.Out.Length < Rules * 600, $"{run.Out.Length} characters");
    }

    [Fact]
    public void A_set_written_in_full_reads_back_as_itself_and_a_long_one_says_how_many_more()
    {
        for (var round = 0; round < 300; round++)
        {
            var random = new Random(round);
            var names = Enumerable.Range(0, random.Next(1, 40)).Select(_ => Name(random)).Distinct().ToList();
            var stems = Enumerable.Range(0, random.Next(0, 4)).Select(_ => Name(random)[..random.Next(1, 3)]).Distinct().ToList();
            var alphabet = new InterfaceAlphabet(names, stems);
            var allowed = RandomSet(random, alphabet, 0.9);
            var set = RandomSet(random, alphabet, random.NextDouble()).Intersect(allowed);
            if (set.IsEmpty) continue;
            var text = new InterfaceSetText(alphabet, allowed).Of(set);
            var where = $"round {round}: names {string.Join(" ", names)}, stems {string.Join(" ", stems)}, set {set}, allowed {allowed}: '{text}'";

            if (text.Contains(" more", StringComparison.Ordinal))
            {
                var shown = text[(text.IndexOf(": ", StringComparison.Ordinal) + 2)..text.IndexOf(", ...", StringComparison.Ordinal)].Split(", ");
                Assert.True(shown.Length == InterfaceSetText.MaxNames, where);
                continue;
            }

            var read = text.StartsWith("any but ", StringComparison.Ordinal) ? allowed.Subtract(Read(text["any but ".Length..], alphabet)) : Read(text, alphabet);
            Assert.True(read.Equals(set), where);
        }
    }

    private static IntervalSet Read(string list, InterfaceAlphabet alphabet) =>
        list.Split(',').Aggregate(IntervalSet.Empty, (all, entry) => all.Union(entry switch
        {
            "(none)" => IntervalSet.Single((UInt128)alphabet.NoInterface),
            _ when entry.EndsWith(" (other)", StringComparison.Ordinal) => Symbol(alphabet, s => alphabet.IsOther(s) && alphabet.KeyOf(s) + "+" == entry[..^" (other)".Length]),
            _ when entry.EndsWith('+') => alphabet.Matching(new InterfacePattern(entry)),
            _ => Symbol(alphabet, s => !alphabet.IsOther(s) && alphabet.KeyOf(s) == entry),
        }));

    private static IntervalSet Symbol(InterfaceAlphabet alphabet, Func<int, bool> which) =>
        IntervalSet.Single((UInt128)Enumerable.Range(0, alphabet.Count).Single(which));

    private static IntervalSet RandomSet(Random random, InterfaceAlphabet alphabet, double density) =>
        IntervalSet.FromValues(Enumerable.Range(0, alphabet.Count).Where(_ => random.NextDouble() < density).Select(s => (UInt128)s));

    private static string Name(Random random) =>
        new([.. Enumerable.Range(0, random.Next(2, 7)).Select(_ => "ab-0"[random.Next(4)])]);
}
