using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Core.Tests.Syntax.AssertReader;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>What the reader refuses, with the whole message, as iptables-restore would refuse it.</summary>
public class ReaderErrorTests
{
    [Theory]
    [InlineData("-A INPUT -p tcp -m tcp --dprot 22 -j ACCEPT", "t:4:24: error: unknown option \"--dprot\" for module 'tcp', expected one of --sport, --dport, --tcp-flags, --syn, --tcp-option [DFW105]")]
    [InlineData("-A INPUT -m conntrack --state NEW -j ACCEPT", "t:4:23: error: unknown option \"--state\" for module 'conntrack', expected one of --ctstate, --ctproto, --ctorigsrc, --ctorigdst, --ctreplsrc, --ctrepldst, --ctorigsrcport, --ctorigdstport, --ctreplsrcport, --ctrepldstport, --ctstatus, --ctexpire, --ctdir [DFW105]")]
    [InlineData("-A INPUT -j REJECT --reject-type x", "t:4:20: error: unknown option \"--reject-type\" for target 'REJECT', expected one of --reject-with [DFW105]")]
    [InlineData("-A INPUT -j USER --fast", "t:4:18: error: unknown option \"--fast\" for jump to chain 'USER', expected no options after a chain [DFW105]")]
    [InlineData("-A INPUT -m tcp --dport 22 -j ACCEPT", "t:4:13: error: expected -p tcp before -m tcp, but got no -p [DFW105]")]
    [InlineData("-A INPUT -p udp -m multiport --dports 1,2 -j ACCEPT", "")]
    [InlineData("-A INPUT -m multiport --dports 1,2 -j ACCEPT", "t:4:13: error: expected -p tcp, udp, udplite, sctp or dccp before -m multiport, but got no -p [DFW105]")]
    [InlineData("-A INPUT ! -p tcp -m tcp --dport 22 -j ACCEPT", "t:4:22: error: expected -p tcp before -m tcp, but got no -p [DFW105]")]
    [InlineData("-A INPUT -p tcp -m tcp --dport", "t:4:24: error: expected a value after --dport, but got the end of the line [DFW104]")]
    [InlineData("-A INPUT -p tcp -m tcp --tcp-flags SYN", "t:4:24: error: expected 2 values after --tcp-flags, but got the end of the line [DFW104]")]
    [InlineData("-A INPUT -p tcp -m tcp --dport 70000 -j ACCEPT", "t:4:32: error: expected a port or range (P, P:Q, P:, :Q with P <= Q; a number reads as in C, 010 = 8, 0x10 = 16), but got '70000' [DFW106]")]
    [InlineData("-A INPUT -p tcp -m tcp --dport nosuchservice -j ACCEPT", "t:4:32: error: expected a port or range (P, P:Q, P:, :Q with P <= Q; a number reads as in C, 010 = 8, 0x10 = 16), but got 'nosuchservice' [DFW106]")]
    [InlineData("-A INPUT -s example.com -j ACCEPT", "t:4:13: error: expected an IPv4 address ADDR[/LEN or /MASK], but got 'example.com' [DFW106]")]
    [InlineData("-A INPUT -s 10.0.0.1/33 -j ACCEPT", "t:4:13: error: expected an IPv4 address ADDR[/LEN or /MASK], but got '10.0.0.1/33' [DFW106]")]
    [InlineData("-A INPUT -i averyveryverylongname -j ACCEPT", "t:4:13: error: expected an interface name of 1-15 bytes (a trailing + is a wildcard), but got 'averyveryverylongname' [DFW106]")]
    [InlineData("-A INPUT -p nosuchproto -j ACCEPT", "t:4:13: error: expected a protocol name or number (tcp, udp, icmp, 47, ...), but got 'nosuchproto' [DFW106]")]
    [InlineData("-A INPUT -m conntrack --ctstate NEW,BOGUS -j ACCEPT", "t:4:33: error: expected conntrack states (INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT), but got 'NEW,BOGUS' [DFW106]")]
    [InlineData("-A INPUT -m set --match-set s sideways -j ACCEPT", "t:4:31: error: expected set directions (src, dst, src,dst, ...), but got 'sideways' [DFW106]")]
    [InlineData("-A INPUT -j REJECT --reject-with icmp6-no-route", "t:4:34: error: expected a reject type (icmp-net-unreachable, icmp-host-unreachable, icmp-proto-unreachable, icmp-port-unreachable, icmp-net-prohibited, icmp-host-prohibited, tcp-reset, icmp-admin-prohibited, or the start of one), but got 'icmp6-no-route' [DFW106]")]
    [InlineData("-A INPUT -j MARK --set-mark 0x1 --or-mark 0x2", "t:4:33: error: expected --or-mark without --set-mark in one -j MARK (one excludes the other), but got '--or-mark' [DFW106]")]
    [InlineData("-A INPUT ! ! -s 10.0.0.1 -j DROP", "t:4:12: error: expected an option after '!', but got another '!' (multiple consecutive ! not allowed) [DFW107]")]
    [InlineData("-A INPUT -s 10.0.0.1 -j DROP !", "t:4:30: error: expected an option after '!', but got the end of the line [DFW107]")]
    [InlineData("-A INPUT ! -m comment --comment x", "t:4:10: error: expected no '!' before -m, which cannot be negated [DFW107]")]
    [InlineData("-A INPUT -m comment ! --comment x", "t:4:21: error: expected no '!' before --comment, which cannot be negated [DFW107]")]
    [InlineData("-A INPUT -s 10.0.0.1 -s 10.0.0.2 -j DROP", "t:4:22: error: expected -s at most once, but got it again [DFW105]")]
    [InlineData("-A INPUT -j ACCEPT -j DROP", "t:4:20: error: expected -j/-g at most once, but got it again [DFW105]")]
    [InlineData("-A INPUT -j ACCEPT # a comment", "t:4:20: error: expected an option, but got '#' [DFW104]")]
    [InlineData("-I INPUT 1 -j ACCEPT", "t:4:1: error: expected -A (only iptables-save output is read), but got '-I' [DFW109]")]
    [InlineData("-N NEWCHAIN", "t:4:1: error: expected -A (only iptables-save output is read), but got '-N' [DFW109]")]
    [InlineData("-j ACCEPT", "t:4:1: error: expected '-A CHAIN', but the rule has none [DFW109]")]
    [InlineData("   ", "t:4:1: error: expected an empty line or a rule, but got a line of blanks [DFW109]")]
    [InlineData("-A NOPE -j ACCEPT", "t:4:4: error: expected a chain declared in table 'filter', but got 'NOPE' (no ':NOPE' line) [DFW108]")]
    [InlineData("-A INPUT -j NOPE", "t:4:13: error: expected a target or a chain declared in table 'filter', but got 'NOPE' (chain does not exist) [DFW108]")]
    [InlineData("-A INPUT -g NOPE", "t:4:13: error: expected a chain declared in table 'filter', but got 'NOPE' (no ':NOPE' line) [DFW108]")]
    [InlineData("-A USER -j INPUT", "t:4:12: error: expected a user chain after -j, but got built-in chain 'INPUT' [DFW108]")]
    [InlineData("-A INPUT -g ACCEPT", "t:4:13: error: expected a user chain after -g, but got 'ACCEPT' [DFW106]")]
    [InlineData("-A INPUT -j MASQUERADE", "t:4:13: error: expected MASQUERADE only in table 'nat' (the kernel refuses it elsewhere: EINVAL), but got it in table 'filter' [DFW112]")]
    [InlineData("[1:2 -A INPUT -j ACCEPT", "t:4:1: error: expected counters '[packets:bytes]', but got '[1:2' [DFW103]")]
    [InlineData("-A INPUT -c 1 x -j ACCEPT", "t:4:15: error: expected a byte count, but got 'x' [DFW106]")]
    public void Bad_rule_lines_fail_with_a_pinned_message(string line, string message)
    {
        if (message == "") SucceedsWith(line);
        else FailsWithMessage(line, message);
    }

    [Theory]
    [InlineData("-A INPUT -s 10.0.0.1 -j ACCEPT", 13)]
    [InlineData("-A INPUT -f -j DROP", 10)]
    [InlineData("-A INPUT -p icmp -m icmp --icmp-type 8 -j DROP", 21)]
    [InlineData("-A INPUT -m ttl --ttl-eq 1 -j DROP", 13)]
    public void Ipv4_only_forms_fail_in_ip6tables(string line, int column) => FailsAt(line, column, IpFamily.V6);

    [Theory]
    [InlineData("-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j DROP", 26)]
    [InlineData("-A INPUT -m frag --fragmore -j DROP", 13)]
    public void Ipv6_only_modules_fail_in_iptables(string line, int column) => FailsAt(line, column, IpFamily.V4);

    [Fact]
    public void A_diagnostic_stays_one_line_and_shows_control_characters_escaped()
    {
        // The open quote takes the line feed into the chain name, as restore does.
        const string dump = "*filter\n:INPUT ACCEPT [0:0]\n-A \"IN\x1b[2J\tPUT -j ACCEPT\nCOMMIT\n";
        var rendered = IptablesSaveReader.Read(dump, "t").Diagnostics.Select(d => d.Render()).ToList();

        Assert.Contains("t:3:4: error: expected a chain declared in table 'filter', but got 'IN\\x1b[2J\\tPUT -j ACCEPT\\n' (no ':IN\\x1b[2J\\tPUT -j ACCEPT\\n' line) [DFW108]", rendered);
        Assert.All(rendered, line => Assert.DoesNotContain(line, c => char.IsControl(c)));
    }

    [Fact]
    public void A_quoted_comment_may_hold_blanks_quotes_and_a_hash()
    {
        var rule = SucceedsWith("-A INPUT -m comment --comment \"not # a \\\"comment\\\"\" -j ACCEPT");

        Assert.Equal("not # a \"comment\"", Assert.IsType<Model.Matches.CommentMatch>(rule.Matches.Single()).Text);
    }

    [Fact]
    public void An_unterminated_quote_keeps_the_line_feed_as_restore_does_and_is_written_back_unterminated()
    {
        const string dump = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment \"oops -j ACCEPT\nCOMMIT\n";
        var result = IptablesSaveReader.Read(dump, "t");
        var rule = Assert.Single(result.Value!.Rules);

        Assert.True(result.Succeeded);
        Assert.Null(rule.Target);
        Assert.Equal("oops -j ACCEPT\n", Assert.IsType<Model.Matches.CommentMatch>(rule.Matches.Single()).Text);
        Assert.Equal("-A INPUT -m comment --comment \"oops -j ACCEPT", IptablesSaveWriter.FormatRule(rule));
    }

    [Fact]
    public void Every_error_of_a_dump_is_reported_not_only_the_first()
    {
        const string dump = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOPE\n-A INPUT -s x -j DROP\n-A INPUT -j ACCEPT\nCOMMIT\n";
        var result = IptablesSaveReader.Read(dump, "t");

        Assert.Equal([3, 4], result.Errors.Select(e => e.Span.Line));
        Assert.Single(result.Value!.Rules);
    }

    [Fact]
    public void A_table_given_twice_is_kept_twice_and_the_last_one_counts()
    {
        const string dump = "*filter\n-A INPUT -j DROP\nCOMMIT\n*filter\n-A INPUT -j ACCEPT\nCOMMIT\n";
        var ruleset = IptablesSaveReader.Read(dump, "t").Value!;

        Assert.Equal(2, ruleset.Tables.Length);
        Assert.Equal("ACCEPT", ruleset["filter"]!["INPUT"]!.Rules.Single().Target!.Name);
    }

    [Fact]
    public void Counters_are_unsigned_64_bit_on_chains_and_rules_and_inline()
    {
        const string dump = "*filter\n:INPUT DROP [18446744073709551615:1]\n[2:3] -A INPUT -j ACCEPT\n-A INPUT -c 4 5 -j ACCEPT\nCOMMIT\n";
        var chain = IptablesSaveReader.Read(dump, "t").Value!["filter"]!["INPUT"]!;

        Assert.Equal(ulong.MaxValue, chain.Counters.Packets);
        Assert.Equal([(2UL, 3UL), (4UL, 5UL)], chain.Rules.Select(r => (r.Counters!.Packets, r.Counters.Bytes)));
        Assert.Equal(new Core.Text.SourceSpan("t", 3, 7), chain.Rules[0].Span);
    }

    [Theory]
    [InlineData("-1", ulong.MaxValue)]
    [InlineData("-18446744073709551615", 1UL)]
    [InlineData("-18446744073709551616", ulong.MaxValue)]
    [InlineData("-99999999999999999999999", ulong.MaxValue)]
    [InlineData("99999999999999999999", ulong.MaxValue)]
    public void Counters_read_as_glibc_sscanf_llu_does_wrapping_a_sign_but_saturating_past_64_bits(string text, ulong expected)
    {
        // The figures are glibc 2.36's sscanf("%llu") of each text; iptables-restore reads counters with it.
        var dump = $"*filter\n:INPUT DROP [{text}:0]\n[{text}:0] -A INPUT -j ACCEPT\nCOMMIT\n";
        var chain = IptablesSaveReader.Read(dump, "t").Value!["filter"]!["INPUT"]!;

        Assert.Equal(expected, chain.Counters.Packets);
        Assert.Equal(expected, chain.Rules.Single().Counters!.Packets);
    }
}
