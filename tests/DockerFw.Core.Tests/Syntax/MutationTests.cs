using System.Text;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// Thousands of seeded random byte and token mutations of valid dumps: the reader never throws, it
/// only gives diagnostics; and whatever it accepts, the writer writes and reads back to the same text.
/// A failure names the seed, the case and the mutated dump.
/// </summary>
public class MutationTests
{
    private const int Seed = 4_2026_1122;
    private const int Cases = 10_000;

    private static readonly string[] Pieces =
    [
        "!", "! !", "\"", "\\", "\"\"", " ", "\t", "\n", "\r", "#", ":", "[", "]", "[0:0]", "-", "--", "/", ",",
        "-A", "-I", "-s", "-d", "-i", "-o", "-p", "-f", "-m", "-j", "-g", "-c", "COMMIT", "*nat", "*filter", ":X - [0:0]",
        "tcp", "udp", "icmp", "comment", "--comment", "--dport", "--sport", "--tcp-flags", "--ctstate", "--match-set",
        "--to-destination", "--set-xmark", "--reject-with", "DNAT", "MARK", "LOG", "ACCEPT", "INPUT", "DOCKER",
        "10.0.0.1/8", "::1", "65536", "1:", ":2", "0x1/0x", "18446744073709551616", "ALL", "NONE", "any",
    ];

    [Fact]
    public void The_reader_only_ever_answers_with_diagnostics_and_what_it_accepts_round_trips()
    {
        var dumps = Corpus.Files("syntax", "*.ip*tables-save").Concat(Corpus.Files("docker", "*.iptables-save"))
            .Select(f => (Text: File.ReadAllText(f), Family: CorpusFiles.FamilyOf(f))).ToList();
        var random = new Random(Seed);
        for (var i = 0; i < Cases; i++)
        {
            var (text, family) = dumps[random.Next(dumps.Count)];
            var mutated = Mutate(text, random);
            try
            {
                var result = IptablesSaveReader.Read(mutated, "m", family);
                if (!result.Succeeded) continue;
                var written = IptablesSaveWriter.Write(result.Value!);
                var again = IptablesSaveReader.Read(written, "w");
                Assert.True(again.Succeeded, string.Join("\n", again.Errors.Select(e => e.Render())));
                Assert.Equal(written, IptablesSaveWriter.Write(again.Value!));
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"seed {Seed}, case {i}: {e.Message}\n--- mutated dump (control characters as \\xNN) ---\n{Visible(mutated)}\n--- ---\n{e}");
            }
        }
    }

    private static string Visible(string text) =>
        string.Concat(text.Select(c => c == '\n' || (c >= ' ' && c != '\x7f') ? c.ToString() : $"\\x{(int)c:x2}"));

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(5))
            {
                case 0:
                    if (at < builder.Length) builder.Remove(at, Math.Min(random.Next(1, 8), builder.Length - at));
                    break;
                case 1:
                    builder.Insert(at, (char)random.Next(1, 128));
                    break;
                case 2:
                    builder.Insert(at, Pieces[random.Next(Pieces.Length)]);
                    break;
                case 3:
                    builder.Insert(at, " " + Pieces[random.Next(Pieces.Length)] + " ");
                    break;
                default:
                    SwapTokens(builder, random);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Swaps two blank-separated tokens of one line, the way a hand edit reorders options.</summary>
    private static void SwapTokens(StringBuilder builder, Random random)
    {
        var lines = builder.ToString().Split('\n');
        var index = random.Next(lines.Length);
        var tokens = lines[index].Split(' ');
        if (tokens.Length < 2) return;
        var (a, b) = (random.Next(tokens.Length), random.Next(tokens.Length));
        (tokens[a], tokens[b]) = (tokens[b], tokens[a]);
        lines[index] = string.Join(' ', tokens);
        builder.Clear().Append(string.Join('\n', lines));
    }
}
