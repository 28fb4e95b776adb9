using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;
using Sprache;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>restore's quoting (formats.md §1.5), and the hand-cut fast path agreeing with the grammar.</summary>
public class TokenizerTests
{
    [Theory]
    [InlineData("a b\tc", new[] { "a", "b", "c" })]
    [InlineData("a\"b c\"", new[] { "ab c" })]
    [InlineData("a\"b c\"d", new[] { "ab c", "d" })]
    [InlineData("\"\" x", new[] { "", "x" })]
    [InlineData("x\\\"y\"", new[] { "x\\y" })]
    [InlineData("\"it\\'s \\\\ \\\"hi\\\"\"", new[] { "it's \\ \"hi\"" })]
    [InlineData("'a b'", new[] { "'a", "b'" })]
    [InlineData("-j ACCEPT # x", new[] { "-j", "ACCEPT", "#", "x" })]
    [InlineData("--comment \"open", new[] { "--comment", "open\n" })]
    [InlineData("  lead  trail  ", new[] { "lead", "trail" })]
    public void Arguments_are_split_as_iptables_restore_splits_them(string line, string[] expected)
    {
        Assert.Equal(expected, RuleTokenizer.Tokenize(line, 0, hadLineFeed: true).Select(t => t.Text));
        Assert.Equal(expected, ByGrammar(line, 0).Select(t => t.Text));
    }

    [Fact]
    public void Tokens_know_their_column_and_whether_they_were_quoted()
    {
        var tokens = RuleTokenizer.Tokenize("[1:2] -A \"!\" !", 6, hadLineFeed: true);

        Assert.Equal([(7, false), (10, true), (14, false)], tokens.Select(t => (t.Column, t.Quoted)));
        Assert.False(tokens[1].IsBang);
        Assert.True(tokens[2].IsBang);
    }

    // syntax/ and docker/ hold every quoting form; the large real-world dumps add only time.
    public static TheoryData<string> CorpusDumps =>
        CorpusFiles.AsTheory(CorpusFiles.Valid().Where(f => !CorpusFiles.Relative(f).StartsWith("real-world/", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(CorpusDumps))]
    public void The_fast_path_agrees_with_the_grammar_on_every_corpus_line(string file)
    {
        foreach (var line in File.ReadAllLines(Corpus.PathOf(file)))
            Assert.Equal(ByGrammar(line, 0), RuleTokenizer.Tokenize(line, 0, hadLineFeed: true));
    }

    [Fact]
    public void The_fast_path_agrees_with_the_grammar_on_random_lines()
    {
        const int seed = 20261122;
        var random = new Random(seed);
        const string alphabet = "ab-!\"\\ \t#'";
        for (var i = 0; i < 20_000; i++)
        {
            var line = new string([.. Enumerable.Range(0, random.Next(0, 16)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var expected = ByGrammar(line, 0);
            var actual = RuleTokenizer.Tokenize(line, 0, hadLineFeed: true);
            Assert.True(expected.SequenceEqual(actual), $"seed {seed}, line {i}: '{line}'");
        }
    }

    /// <summary>The reference: the whole line through <see cref="RuleTokenizer.Line"/>, line feed included.</summary>
    private static List<Token> ByGrammar(string line, int start) =>
        RuleTokenizer.Line.Parse(line[start..] + "\n").Select(t => t with { Column = t.Column + start }).ToList();
}
