using System.Text;
using System.Text.RegularExpressions;
using DockerFw.Cli.Input;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests;

public sealed class FmtCommandTests
{
    private static readonly string FullDump = Corpus.PathOf("syntax", "full.nft.iptables-save");

    [Fact]
    public void Fmt_prints_a_valid_dump_in_canonical_form_and_exits_0()
    {
        var run = Dockerfw.Run("fmt", FullDump);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("*filter\n", run.Out);
        Assert.Contains("COMMIT\n", run.Out);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void A_dump_large_enough_to_pause_the_collector_is_written_back_rule_for_rule_and_the_pause_ends_with_the_command()
    {
        var rules = Enumerable.Range(0, 20_000)
            .Select(i => $"-A INPUT -s 10.0.{i / 256}.{i % 256}/32 -p tcp -m tcp --dport {i % 65536} -j ACCEPT")
            .ToList();
        var dump = "*filter\n:INPUT ACCEPT [0:0]\n" + string.Concat(rules.Select(r => r + "\n")) + "COMMIT\n";
        Assert.True(dump.Length >= CollectionPause.From, "the dump must be large enough for the pause");

        var run = Dockerfw.Run(["fmt", "-"], stdin: dump);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(rules, run.Out.Split('\n').Where(line => line.StartsWith("-A ")));
        Assert.NotEqual(System.Runtime.GCLatencyMode.NoGCRegion, System.Runtime.GCSettings.LatencyMode);
    }

    [Theory]
    [InlineData("utf-8 with a byte order mark")]
    [InlineData("utf-16")]
    [InlineData("utf-32")]
    public void A_dump_file_with_a_byte_order_mark_reads_as_the_same_dump(string encoding)
    {
        var text = File.ReadAllText(FullDump);
        var withMark = Path.Combine(Path.GetTempPath(), $"dockerfw-bom-{Guid.NewGuid():N}.iptables-save");
        File.WriteAllText(withMark, text, encoding switch
        {
            "utf-16" => Encoding.Unicode,
            "utf-32" => Encoding.UTF32,
            _ => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
        });
        try
        {
            var run = Dockerfw.Run("fmt", withMark);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(Dockerfw.Run("fmt", FullDump).Out, run.Out);
        }
        finally
        {
            File.Delete(withMark);
        }
    }

    [Fact]
    public void Fmt_is_idempotent()
    {
        var once = Dockerfw.Run("fmt", FullDump);
        var twice = Dockerfw.Run(["fmt", "-"], stdin: once.Out);

        Assert.True(twice.ExitCode == 0, twice.ToString());
        Assert.Equal(once.Out, twice.Out);
    }

    [Fact]
    public void Fmt_of_stdin_prints_the_same_as_fmt_of_the_file()
    {
        var fromFile = Dockerfw.Run("fmt", FullDump);
        var fromStdin = Dockerfw.Run(["fmt", "-"], stdin: File.ReadAllText(FullDump));

        Assert.Equal(0, fromStdin.ExitCode);
        Assert.Equal(fromFile.Out, fromStdin.Out);
    }

    [Fact]
    public void No_counters_leaves_the_rule_counters_out()
    {
        var dump = Corpus.PathOf("syntax", "counters.nft.iptables-save");

        var run = Dockerfw.Run("fmt", "--no-counters", dump);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("-A ", run.Out);
        Assert.DoesNotContain(run.Out.Split('\n'), line => line.StartsWith('['));
    }

    [Fact]
    public void Counters_are_kept_by_default()
    {
        var dump = Corpus.PathOf("syntax", "counters.nft.iptables-save");

        var run = Dockerfw.Run("fmt", dump);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Out.Split('\n'), line => line.StartsWith('[') && line.Contains("] -A "));
    }

    [Fact]
    public void An_ip6tables_dump_is_read_as_ipv6_when_the_family_is_given()
    {
        var run = Dockerfw.Run("fmt", "--family", "6", Corpus.PathOf("syntax", "ipv6.nft.ip6tables-save"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("*filter\n", run.Out);
    }

    [Fact]
    public void Bad_input_prints_compiler_style_diagnostics_on_stderr_nothing_on_stdout_and_exits_2()
    {
        var dump = Corpus.PathOf("syntax", "missing-commit.invalid.iptables-save");

        var run = Dockerfw.Run("fmt", dump);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Matches($@"^{Regex.Escape(dump)}:\d+:\d+: error: .+ \[DFW\d{{3}}\]$", run.Error.Split('\n')[0]);
    }

    [Fact]
    public void Diagnostics_of_stdin_name_it()
    {
        var run = Dockerfw.Run(["fmt", "-"], stdin: "*filter\n:INPUT ACCEPT [0:0]\n");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("<stdin>:", run.Error);
    }

    [Fact]
    public void A_missing_file_is_one_error_line_and_exit_code_2()
    {
        var run = Dockerfw.Run("fmt", "/nonexistent/dump");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("dockerfw: error: cannot read /nonexistent/dump: ", run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("fmt --counters --no-counters x", "--counters and --no-counters cannot be used together")]
    [InlineData("fmt --netns lab x", "fmt reads either FILE or the live namespace given by --netns, not both")]
    [InlineData("fmt --family 4", "--family applies to a FILE; live mode reads both families")]
    [InlineData("fmt --bogus", "unknown option '--bogus' (a file whose name starts with '-' can be given as ./--bogus)")]
    public void Options_that_do_not_fit_together_are_refused_before_any_work(string commandLine, string message)
    {
        var args = commandLine.Split(' ');
        var run = Dockerfw.Run(args);

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith($"dockerfw: usage: {message}\n", run.Error);
    }

    [Theory]
    [InlineData("iptables-save")]
    [InlineData("ip6tables-save")]
    public void The_bundled_sample_host_of_the_readme_is_read_without_a_diagnostic(string dump)
    {
        var run = Dockerfw.Run("fmt", Path.Combine(Corpus.RepoRoot, "samples", "lab-host", dump));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Error);
        Assert.Contains("-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP\n", run.Out);
    }

    [Fact]
    public void A_dump_without_a_header_named_ip6tables_is_read_as_ipv6()
    {
        // No "# Generated by" line; an IPv4 address in it is an error only for ip6tables.
        var dump = Corpus.PathOf("syntax", "ipv4-address-in-ip6tables.invalid.ip6tables-save");

        var run = Dockerfw.Run("fmt", dump);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("(ip6tables)", run.Error);
    }

    public static TheoryData<string> InvalidDumps() =>
        new(Corpus.Files("syntax", "*.invalid.*").Where(f => !f.EndsWith(".txt", StringComparison.Ordinal)).Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(InvalidDumps))]
    public void Every_invalid_corpus_dump_exits_2_with_a_line_number_under_strict(string name)
    {
        var dump = Corpus.PathOf("syntax", name);

        var run = Dockerfw.Run("fmt", "--strict", dump);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Matches($@"^{Regex.Escape(dump)}:[1-9]\d*:\d+: error: ", run.Error);
    }
}
