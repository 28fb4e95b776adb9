using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using static DockerFw.Core.Tests.Syntax.AssertReader;

namespace DockerFw.Core.Tests.Syntax;

public class MatchReadingTests
{
    [Theory]
    [InlineData("-A INPUT -s 10.0.0.5/24 -j ACCEPT", "-A INPUT -s 10.0.0.0/24 -j ACCEPT")]
    [InlineData("-A INPUT -s 10.0.0.5 -j ACCEPT", "-A INPUT -s 10.0.0.5/32 -j ACCEPT")]
    [InlineData("-A INPUT ! -s 10.1.2.3/255.0.255.0 -j ACCEPT", "-A INPUT ! -s 10.0.2.0/255.0.255.0 -j ACCEPT")]
    [InlineData("-A INPUT -d 10.0.0.0/255.255.0.0 -j ACCEPT", "-A INPUT -d 10.0.0.0/16 -j ACCEPT")]
    [InlineData("-A INPUT --source 10.0.0.1 --destination 10.0.0.2 -j ACCEPT", "-A INPUT -s 10.0.0.1/32 -d 10.0.0.2/32 -j ACCEPT")]
    [InlineData("-A USER -o eth0 -d 192.0.2.0/24 -p tcp -i veth+ -j ACCEPT", "-A USER -d 192.0.2.0/24 -i veth+ -o eth0 -p tcp -j ACCEPT")]
    [InlineData("-A INPUT -p 47 -j ACCEPT", "-A INPUT -p 47 -j ACCEPT")]
    [InlineData("-A INPUT -p TCP -j ACCEPT", "-A INPUT -p tcp -j ACCEPT")]
    [InlineData("-A INPUT ! -f -j DROP", "-A INPUT ! -f -j DROP")]
    public void Core_options_are_normalized_and_written_in_save_order(string line, string canonical) =>
        SucceedsWith(line, canonical);

    [Fact]
    public void An_address_keeps_a_non_contiguous_mask_with_host_bits_cleared()
    {
        var rule = SucceedsWith("-A INPUT ! -s 10.1.2.3/255.0.255.0 -j ACCEPT", "-A INPUT ! -s 10.0.2.0/255.0.255.0 -j ACCEPT");
        var match = Assert.IsType<AddressMatch>(Assert.Single(rule.Matches));

        Assert.True(match.Negated);
        Assert.Equal(IpAddressValue.Parse("10.0.2.0", IpFamily.V4), match.Value.Address);
        Assert.Null(match.Value.PrefixLength);
    }

    [Theory]
    [InlineData("-A INPUT -s 2001:db8::1/64 -j ACCEPT", "-A INPUT -s 2001:db8::/64 -j ACCEPT")]
    [InlineData("-A INPUT -s 2001:db8::/ffff:ffff:0:ffff:: -j ACCEPT", "-A INPUT -s 2001:db8::/ffff:ffff:0:ffff:: -j ACCEPT")]
    [InlineData("-A INPUT -p icmpv6 -m icmp6 --icmpv6-type echo-request -j ACCEPT", "-A INPUT -p icmpv6 -m icmp6 --icmpv6-type 128 -j ACCEPT")]
    [InlineData("-A INPUT -p ipv6-icmp -m icmp6 ! --icmpv6-type 1/3 -j ACCEPT", "-A INPUT -p ipv6-icmp -m icmp6 ! --icmpv6-type 1/3 -j ACCEPT")]
    [InlineData("-A INPUT -m hl --hl-eq 255 -m frag --fragmore -j DROP", "-A INPUT -m hl --hl-eq 255 -m frag --fragmore -j DROP")]
    public void Ip6tables_lines_read_as_ipv6(string line, string canonical) =>
        SucceedsWith(line, canonical, IpFamily.V6);

    [Theory]
    [InlineData("-A INPUT -p tcp --dport ssh -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m tcp --dport 1024: -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 1024:65535 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m tcp --sport :1023 -j ACCEPT", "-A INPUT -p tcp -m tcp --sport 0:1023 -j ACCEPT")]
    [InlineData("-A INPUT -p udp -m udp --source-port 53 --destination-port 1024:65535 -j ACCEPT", "-A INPUT -p udp -m udp --sport 53 --dport 1024:65535 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m tcp --syn -j ACCEPT", "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m tcp ! --tcp-flags ALL NONE -j DROP", "-A INPUT -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE -j DROP")]
    [InlineData("-A INPUT -p tcp -m tcp --tcp-option 8 -j DROP", "-A INPUT -p tcp -m tcp --tcp-option 8 -j DROP")]
    [InlineData("-A INPUT -p tcp -m tcp --tcp-flags SYN,RST SYN -m tcp ! --sport 1:1023 -j ACCEPT", "-A INPUT -p tcp -m tcp --tcp-flags SYN,RST SYN -m tcp ! --sport 1:1023 -j ACCEPT")]
    [InlineData("-A INPUT -p sctp -m sctp --dport 3868 -j ACCEPT", "-A INPUT -p sctp -m sctp --dport 3868 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m multiport --dports 80,443,8000:8080 -j ACCEPT", "-A INPUT -p tcp -m multiport --dports 80,443,8000:8080 -j ACCEPT")]
    [InlineData("-A INPUT -p udp -m multiport ! --source-ports 53,123 -j ACCEPT", "-A INPUT -p udp -m multiport ! --sports 53,123 -j ACCEPT")]
    [InlineData("-A INPUT -p icmp -m icmp --icmp-type echo-request -j ACCEPT", "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT")]
    [InlineData("-A INPUT -p icmp --icmp-type any -j ACCEPT", "-A INPUT -p icmp -m icmp --icmp-type any -j ACCEPT")]
    [InlineData("-A INPUT -p icmp -m icmp --icmp-type port-unreachable -j ACCEPT", "-A INPUT -p icmp -m icmp --icmp-type 3/3 -j ACCEPT")]
    public void Port_flag_and_icmp_values_are_saved_as_numbers(string line, string canonical) =>
        SucceedsWith(line, canonical);

    [Fact]
    public void A_port_range_with_its_ends_swapped_is_kept_verbatim_with_a_warning()
    {
        var rule = WarnsWith(
            "-A INPUT -p udp -m udp --dport 60000:29 -j ACCEPT",
            "-A INPUT -p udp -m udp --dport 60000:29 -j ACCEPT",
            "t:4:32: warning: port range '60000:29' has its first port above its last, so it matches no packet; kept verbatim [DFW154]");

        Assert.IsType<ModuleOptionMatch>(rule.Blocks[1].Matches.Single());
    }

    [Theory]
    [InlineData("-A INPUT -m conntrack --ctstate established,RELATED -j ACCEPT", "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")]
    [InlineData("-A INPUT -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP", "-A INPUT -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")]
    [InlineData("-A INPUT -m conntrack --ctstate DNAT ! --ctorigdst 10.96.0.1 -j ACCEPT", "-A INPUT -m conntrack --ctstate DNAT ! --ctorigdst 10.96.0.1 -j ACCEPT")]
    [InlineData("-A INPUT -m state --state NEW -j ACCEPT", "-A INPUT -m state --state NEW -j ACCEPT")]
    [InlineData("-A INPUT -m addrtype ! --src-type LOCAL --dst-type LOCAL --limit-iface-in -j ACCEPT", "-A INPUT -m addrtype ! --src-type LOCAL --dst-type LOCAL --limit-iface-in -j ACCEPT")]
    [InlineData("-A INPUT -m mark ! --mark 0x4000/0x4000 -m connmark --mark 2/0xff -j ACCEPT", "-A INPUT -m mark ! --mark 0x4000/0x4000 -m connmark --mark 0x2/0xff -j ACCEPT")]
    [InlineData("-A INPUT -m mark --mark 0x1/0xffffffff -j ACCEPT", "-A INPUT -m mark --mark 0x1 -j ACCEPT")]
    [InlineData("-A INPUT -m set ! --match-set docker-bridges src,dst -j RETURN", "-A INPUT -m set ! --match-set docker-bridges src,dst -j RETURN")]
    [InlineData("-A INPUT -m set --set kube-test dst -j RETURN", "-A INPUT -m set --match-set kube-test dst -j RETURN")]
    [InlineData("-A INPUT -m physdev --physdev-in veth0 ! --physdev-is-bridged -j ACCEPT", "-A INPUT -m physdev --physdev-in veth0 ! --physdev-is-bridged -j ACCEPT")]
    [InlineData("-A INPUT -m iprange ! --src-range 10.0.0.1-10.0.0.50 -j ACCEPT", "-A INPUT -m iprange ! --src-range 10.0.0.1-10.0.0.50 -j ACCEPT")]
    [InlineData("-A INPUT -m comment --comment \"two words\" -m comment --comment docker0 -j ACCEPT", "-A INPUT -m comment --comment \"two words\" -m comment --comment docker0 -j ACCEPT")]
    [InlineData("-A INPUT -m comment --comment \"\\\"it's\\\" a \\\\ \\\\\" -j ACCEPT", "-A INPUT -m comment --comment \"\\\"it\\'s\\\" a \\\\ \\\\\" -j ACCEPT")]
    [InlineData("-A INPUT -m limit --limit 5/min --limit-burst 10 -j ACCEPT", "-A INPUT -m limit --limit 5/min --limit-burst 10 -j ACCEPT")]
    [InlineData("-A INPUT -m recent --update --seconds 60 --hitcount 4 --name SSH --rsource -j DROP", "-A INPUT -m recent --update --seconds 60 --hitcount 4 --name SSH --rsource -j DROP")]
    [InlineData("-A INPUT -m statistic --mode random ! --probability 0.5 -j ACCEPT", "-A INPUT -m statistic --mode random ! --probability 0.5 -j ACCEPT")]
    [InlineData("-A INPUT -m owner ! --uid-owner 1000 -j ACCEPT", "-A INPUT -m owner ! --uid-owner 1000 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m string --string \"say \\\"hi\\\" it's \\\\ ok\" --algo kmp -j ACCEPT", "-A INPUT -p tcp -m string --string \"say \\\"hi\\\" it's \\\\ ok\" --algo kmp -j ACCEPT")]
    [InlineData("-A INPUT -m helper --helper \"ftp-2\" -j ACCEPT", "-A INPUT -m helper --helper ftp-2 -j ACCEPT")]
    public void Module_options_bind_with_their_own_arity_and_negation(string line, string canonical) =>
        SucceedsWith(line, canonical);

    [Fact]
    public void Typed_modules_give_typed_conditions()
    {
        var rule = SucceedsWith("-A INPUT -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -m set --match-set s src -m mark --mark 0x1 -j ACCEPT");
        var kinds = rule.Matches.Select(m => m.GetType().Name);

        Assert.Equal(["ProtocolMatch", "PortMatch", "ConntrackStateMatch", "SetMatch", "MarkMatch"], kinds);
        Assert.Equal(80, Assert.IsType<PortMatch>(rule.Matches.ElementAt(1)).Range.First);
    }

    [Fact]
    public void A_value_may_start_with_a_dash_and_is_still_taken_as_the_value()
    {
        var rule = SucceedsWith("-A INPUT -m comment --comment -j -j ACCEPT");

        Assert.Equal("-j", Assert.IsType<CommentMatch>(rule.Matches.Single()).Text);
    }

    [Fact]
    public void A_module_xtables_has_but_dockerfw_does_not_model_is_kept_opaque_with_a_warning()
    {
        var rule = WarnsWith(
            "-A INPUT -m ipp2p --spts 67:68 ! --flag -j ACCEPT",
            "-A INPUT -m ipp2p --spts 67:68 ! --flag -j ACCEPT",
            "t:4:13: warning: unknown match module 'ipp2p': its options are kept verbatim but not understood [DFW151]");

        Assert.All(rule.Matches, m => Assert.IsType<OpaqueMatch>(m));
    }

    [Theory]
    [InlineData("-A INPUT -m conntrack --ctstate NEW --ctstate NEW -j ACCEPT", 37, "--ctstate in one -m conntrack")]
    [InlineData("-A INPUT -p tcp -m tcp --dport 80 --destination-port 81 -j ACCEPT", 35, "--dport in one -m tcp")]
    [InlineData("-A INPUT -m policy --dir in --pol ipsec --reqid 1 --reqid 2 -j ACCEPT", 51, "--reqid in one -m policy")]
    public void An_option_given_twice_in_one_match_is_refused_as_xtables_refuses_it(string line, int column, string what) =>
        FailsWithMessage(line, $"t:4:{column}: error: expected {what} at most once, but got it again [DFW105]");

    [Theory]
    [InlineData("-A INPUT -p tcp --dport 80 -m tcp --dport 81 -j ACCEPT")]
    [InlineData("-A INPUT -m policy --dir in --pol ipsec --strict --reqid 1 --next --reqid 2 -j ACCEPT")]
    public void The_same_option_in_two_matches_or_two_policy_elements_is_read(string line) =>
        Assert.True(Read(line).Succeeded);

    [Theory]
    [InlineData("-A INPUT -p tcp -M tcp --dport 22 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -Mtcp --dport 22 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp --modprobe /sbin/modprobe --dport 22 -j ACCEPT")]
    public void The_modprobe_option_restore_takes_on_a_rule_is_not_part_of_it(string line) =>
        Assert.Equal("-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT", DockerFw.Core.Syntax.IptablesSave.IptablesSaveWriter.FormatRule(Assert.Single(Read(line).Value!.Rules)));

    [Theory]
    [InlineData("-A INPUT -m ipr3ange --src-range 1.2.3.4-1.2.3.9 -j ACCEPT", "ipr3ange")]
    [InlineData("-A INPUT -m protocolid --spts 67:68 -j ACCEPT", "protocolid")]
    [InlineData("-A INPUT -m Comment --comment x -j ACCEPT", "Comment")]
    [InlineData("-A INPUT -m NFLOG -j ACCEPT", "NFLOG")]
    public void A_module_no_extension_provides_is_refused_as_restore_refuses_it(string line, string module) =>
        FailsWithMessage(line, $"t:4:13: error: expected a match module, but got '{module}', which no iptables or xtables-addons extension provides (restore fails: \"Couldn't load match\") [DFW114]");

    [Fact]
    public void The_old_negation_after_the_option_is_read_with_a_warning() =>
        WarnsWith(
            "-A INPUT -p tcp -m tcp --dport ! 22 -j ACCEPT",
            "-A INPUT -p tcp -m tcp ! --dport 22 -j ACCEPT",
            "t:4:32: warning: old negation '--dport ! VALUE' read as '! --dport VALUE' (removed from iptables in 2011) [DFW150]");

    [Fact]
    public void A_comment_whose_quote_never_closes_is_read_as_restore_does_with_a_warning()
    {
        var result = Read("-A INPUT -m comment --comment \"open -j ACCEPT");

        Assert.True(result.Succeeded);
        var rule = result.Value!.Tables.Single().Chains.Single(c => c.Name == "INPUT").Rules.Single();
        Assert.Equal("open -j ACCEPT\n", Assert.IsType<CommentMatch>(rule.Matches.Single()).Text);
        Assert.Equal(
            ["t:4:31: warning: expected a closing '\"', but the quote runs to the end of the line: iptables-restore takes the rest of the line, line feed included, as one argument [DFW155]"],
            result.Diagnostics.Select(d => d.Render()));
    }

    [Fact]
    public void A_closed_quote_gives_no_warning() =>
        Assert.Empty(Read("-A INPUT -m comment --comment \"a \\\"b\\\" c\" -j ACCEPT").Diagnostics);
}
