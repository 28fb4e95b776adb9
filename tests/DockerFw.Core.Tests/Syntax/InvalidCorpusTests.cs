using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// Each syntax/*.invalid.* input is rejected at the line iptables-restore names in the .txt beside
/// it, with dockerfw's own message pinned whole.
/// </summary>
public class InvalidCorpusTests
{
    public static TheoryData<string, string> Expected => new()
    {
        { "bad-policy-name.invalid.iptables-save", "f:2:8: error: expected policy ACCEPT or DROP for built-in chain 'INPUT', but got 'REJECT' [DFW102]" },
        { "bad-rule-counters-unclosed.invalid.iptables-save", "f:5:1: error: expected counters '[packets:bytes]', but got '[12:34' [DFW103]" },
        { "bad-rule-counters.invalid.iptables-save", "f:5:1: error: expected counters '[packets:bytes]', but got '[12,34]' [DFW103]" },
        { "chain-name-too-long.invalid.iptables-save", "f:5:2: error: expected a chain name (1-28 bytes), but got 'THIS-CHAIN-NAME-IS-WAY-TOO-LONG' [DFW102]" },
        { "crlf-line-endings.invalid.iptables-save", "f:1:8: error: expected LF line endings, but got CRLF (iptables-restore reads LF only) [DFW100]" },
        { "dnat-in-filter-table.invalid.iptables-save", "f:5:38: error: expected DNAT only in table 'nat' (the kernel refuses it elsewhere: EINVAL), but got it in table 'filter' [DFW112]" },
        { "double-negation.invalid.iptables-save", "f:5:12: error: expected an option after '!', but got another '!' (multiple consecutive ! not allowed) [DFW107]" },
        { "goto-builtin.invalid.iptables-save", "f:5:15: error: expected a user chain after -g, but got built-in chain 'INPUT' [DFW108]" },
        { "ipv4-address-in-ip6tables.invalid.ip6tables-save", "f:5:13: error: expected an IPv6 address (ip6tables), but got '10.0.0.1/32' [DFW110]" },
        { "ipv6-address-in-iptables.invalid.iptables-save", "f:5:13: error: expected an IPv4 address (iptables), but got '2001:db8::1/128' [DFW110]" },
        { "ipv6-fragment-flag.invalid.ip6tables-save", "f:5:10: error: expected -m frag in ip6tables, but got '-f' (IPv4 only) [DFW110]" },
        { "missing-commit.invalid.iptables-save", "f:6:1: error: expected COMMIT to end table 'filter' (opened at line 1), but got the end of the input [DFW101]" },
        { "missing-table-header.invalid.iptables-save", "f:1:1: error: expected '*table' before this line, but got ':INPUT ACCEPT [0:0]' [DFW101]" },
        { "newline-in-comment.invalid.iptables-save", "f:7:1: error: expected an option, but got '\\n' [DFW104]" },
        { "policy-on-user-chain.invalid.iptables-save", "f:5:10: error: expected policy '-' for user chain 'MYCHAIN' (only built-in chains have a policy), but got 'DROP' [DFW102]" },
        { "port-without-protocol.invalid.iptables-save", "f:5:10: error: unknown option \"--dport\", expected one of -s, -d, -i, -o, -p, -f, -m MODULE, -j TARGET, -g CHAIN (port options need -p tcp/udp or -m MODULE first) [DFW105]" },
        { "rule-outside-table.invalid.iptables-save", "f:1:1: error: expected '*table' before this line, but got '-A INPUT -j ACCEPT' [DFW101]" },
        { "trailing-commit-space.invalid.iptables-save", "f:6:1: error: expected 'COMMIT' alone on its line, but got 'COMMIT ' [DFW101]" },
        { "undeclared-chain.invalid.iptables-save", "f:5:4: error: expected a chain declared in table 'filter', but got 'MYCHAIN' (no ':MYCHAIN' line) [DFW108]" },
        { "undeclared-jump-target.invalid.iptables-save", "f:5:13: error: expected a target or a chain declared in table 'filter', but got 'NOPE' (chain does not exist) [DFW108]" },
        { "unknown-option.invalid.iptables-save", "f:5:24: error: unknown option \"--dprot\" for module 'tcp', expected one of --sport, --dport, --tcp-flags, --syn, --tcp-option [DFW105]" },
        { "unknown-table.invalid.iptables-save", "f:1:2: error: expected a table name (raw, mangle, nat, filter, security), but got 'filtre' [DFW101]" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Every_invalid_corpus_input_fails_with_its_line_and_a_pinned_message(string file, string expected)
    {
        var path = Corpus.PathOf("syntax", file);
        var result = IptablesSaveReader.Read(File.ReadAllText(path), "f", CorpusFiles.FamilyOf(path));

        Assert.False(result.Succeeded);
        Assert.Equal(expected, result.Errors.First().Render());
    }

    /// <summary>
    /// intrapositioned-negation.invalid (<c>-s ! 10.0.0.1/32</c>) is rejected by iptables 1.8.9, but
    /// the issue asks dockerfw to read this pre-2011 form with a warning (old dumps still hold it);
    /// <c>--strict</c> turns that warning into the error restore gives.
    /// </summary>
    [Fact]
    public void The_old_negation_form_is_read_with_a_warning_and_refused_under_strict()
    {
        var text = File.ReadAllText(Corpus.PathOf("syntax", "intrapositioned-negation.invalid.iptables-save"));
        var result = IptablesSaveReader.Read(text, "f");
        const string message = "f:5:13: warning: old negation '-s ! VALUE' read as '! -s VALUE' (removed from iptables in 2011) [DFW150]";

        Assert.True(result.Succeeded);
        Assert.Equal([message], result.Diagnostics.Select(d => d.Render()));
        Assert.Equal("-A INPUT ! -s 10.0.0.1/32 -j DROP", IptablesSaveWriter.FormatRule(result.Value!["filter"]!["INPUT"]!.Rules[0]));
        Assert.False(result.Strict().Succeeded);
        Assert.Equal(message.Replace("warning", "error"), result.Strict().Errors.Single().Render());
    }

    /// <summary>
    /// bad-policy-counters.invalid (<c>:INPUT ACCEPT [0;0]</c>, no rule counters) is refused by restore
    /// --counters, but restore without it, the way a dump without counters is loaded, never reads the
    /// field: a warning, refused under strict; with rule counters in the dump it is the error.
    /// </summary>
    [Fact]
    public void Unreadable_policy_counters_warn_in_a_dump_without_counters_and_fail_in_one_with_them()
    {
        var text = File.ReadAllText(Corpus.PathOf("syntax", "bad-policy-counters.invalid.iptables-save"));
        var result = IptablesSaveReader.Read(text, "f");
        Assert.True(result.Succeeded);
        Assert.Equal(["f:2:15: warning: counters '[0;0]' of chain 'INPUT' are not '[packets:bytes]': read as [0:0], as iptables-restore without --counters ignores them (with --counters it refuses the dump) [DFW156]"],
            result.Diagnostics.Select(d => d.Render()));
        Assert.False(result.Strict().Succeeded);

        var withCounters = IptablesSaveReader.Read(text.Replace("COMMIT", "[1:2] -A INPUT -j ACCEPT\nCOMMIT", StringComparison.Ordinal), "f");
        Assert.Equal(["f:2:15: error: expected counters '[packets:bytes]', but got '[0;0]' [DFW103]"], withCounters.Errors.Select(d => d.Render()));
    }

    [Fact]
    public void Every_invalid_corpus_input_is_covered_by_a_pinned_case()
    {
        var pinned = Expected.Select(row => (string)row[0]).Append("intrapositioned-negation.invalid.iptables-save").Append("bad-policy-counters.invalid.iptables-save").Order();
        var present = CorpusFiles.Invalid().Select(Path.GetFileName).Order();

        Assert.Equal(present, pinned);
    }

    public static TheoryData<string, int> RealWorldRejected => new()
    {
        { "real-world/config_veroneau.net/iptables-save", CorpusFiles.RejectedByRestore["real-world/config_veroneau.net/iptables-save"] },
        { "real-world/configs_ipv6_server/webserver", CorpusFiles.RejectedByRestore["real-world/configs_ipv6_server/webserver"] },
    };

    [Theory]
    [MemberData(nameof(RealWorldRejected))]
    public void Real_world_dumps_that_restore_rejects_fail_at_the_same_line(string file, int line)
    {
        var path = Corpus.PathOf(file);
        var result = IptablesSaveReader.Read(File.ReadAllText(path), file, CorpusFiles.FamilyOf(path));

        Assert.Equal([line], result.Errors.Select(d => d.Span.Line));
    }
}
