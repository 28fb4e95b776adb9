using System.Text.RegularExpressions;
using DockerFw.Core.Snapshot;

namespace DockerFw.Tests.Snapshot;

/// <summary>
/// The snapshot's renamer tries only the names found among a line's runs of joining characters; it
/// must write what trying every name's pattern on every line, longest first, writes.
/// </summary>
public sealed class SnapshotNamesTests
{
    private static readonly string[] Pieces =
        ["10.0.0.2", "10.0.0.23", "110.0.0.2", "fd00::2", "fd00::23", "br-1a", "br-1a2", "net", "é", "-", ":", ".", " ", "/", "<", ">", "@", "_", "80", "x"];

    [Fact]
    public void It_writes_what_every_pattern_tried_in_turn_writes()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var round = 0; round < 300; round++)
        {
            var names = Enumerable.Range(0, random.Next(1, 8)).Select(_ => Name(random)).ToList();
            var renamer = new SnapshotNames(names);
            for (var l = 0; l < 20; l++)
            {
                var line = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Pieces[random.Next(Pieces.Length)]));
                Assert.True(Reference(names, line) == renamer.Rename(line), $"seed {seed}, round {round}, line '{line}'");
            }
        }
    }

    private static (string Text, string Name, string Joins) Name(Random random) => random.Next(5) switch
    {
        0 => (Pieces[random.Next(3)], $"<c{random.Next(3)}@n>", @"\w."),
        1 => (Pieces[3 + random.Next(2)], $"<c{random.Next(3)}@n>", @"\w.:"),
        2 => (Pieces[5 + random.Next(2)], $"<bridge:{Pieces[7 + random.Next(2)]}>", @"\w.-"),
        3 => ("br-é", "<bridge:odd>", @"\w.-"),
        _ => ("net", $"<bridge:{Pieces[5 + random.Next(2)]}>", @"\w.-"),
    };

    private static string Reference(List<(string Text, string Name, string Joins)> names, string line)
    {
        foreach (var n in names.OrderByDescending(n => n.Text.Length))
            line = new Regex($"(?<![{n.Joins}]){Regex.Escape(n.Text)}(?![{n.Joins}])", RegexOptions.CultureInvariant).Replace(line, n.Name);
        return line;
    }
}
