using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Core.Tests.Syntax.AssertReader;

namespace DockerFw.Core.Tests.Syntax;

public class TargetReadingTests
{
    [Theory]
    [InlineData("-A INPUT -j ACCEPT")]
    [InlineData("-A INPUT -j QUEUE")]
    [InlineData("-A INPUT -j USER")]
    [InlineData("-A INPUT -g USER")]
    [InlineData("-A INPUT -m comment --comment \"counts only\"")]
    [InlineData("-A INPUT -p tcp -j REJECT --reject-with tcp-reset")]
    [InlineData("-A INPUT -j LOG --log-prefix \"fw drop: \" --log-level 6 --log-uid")]
    [InlineData("-A INPUT -j NFLOG --nflog-prefix \"nf log\" --nflog-group 5")]
    [InlineData("-A INPUT -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff")]
    [InlineData("-A USER -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu")]
    public void Targets_are_written_back_as_read(string line) => SucceedsWith(line);

    [Fact]
    public void A_raw_table_target_is_written_back_as_read()
    {
        var result = IptablesSaveReader.Read("*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j CT --notrack\nCOMMIT\n", "t");
        Assert.Empty(result.Diagnostics);
        Assert.Equal("-A PREROUTING -j CT --notrack", IptablesSaveWriter.FormatRule(Assert.Single(result.Value!.Rules)));
    }

    [Theory]
    [InlineData("-A INPUT -j REJECT", "-A INPUT -j REJECT --reject-with icmp-port-unreachable")]
    [InlineData("-A INPUT -j REJECT --reject-with host-prohib", "-A INPUT -j REJECT --reject-with icmp-host-prohibited")]
    [InlineData("-A INPUT -j LOG --log-level warning --log-prefix x", "-A INPUT -j LOG --log-prefix x")]
    [InlineData("-A INPUT -j LOG --log-level debug --log-tcp-options --log-tcp-sequence", "-A INPUT -j LOG --log-level 7 --log-tcp-sequence --log-tcp-options")]
    [InlineData("-A INPUT -j MARK --set-mark 0x2", "-A INPUT -j MARK --set-xmark 0x2/0xffffffff")]
    [InlineData("-A INPUT -j MARK --or-mark 0x4000", "-A INPUT -j MARK --set-xmark 0x4000/0x4000")]
    [InlineData("-A INPUT -j MARK --xor-mark 0x4000", "-A INPUT -j MARK --set-xmark 0x4000/0x0")]
    [InlineData("-A INPUT -j MARK --and-mark 0xffff00ff", "-A INPUT -j MARK --set-xmark 0x0/0xff00")]
    [InlineData("-A INPUT -j MARK --set-mark 0x1/0x3", "-A INPUT -j MARK --set-xmark 0x1/0x3")]
    public void Targets_are_canonicalized_as_save_prints_them(string line, string canonical) => SucceedsWith(line, canonical);

    [Fact]
    public void The_default_reject_type_depends_on_the_family() =>
        SucceedsWith("-A INPUT -j REJECT", "-A INPUT -j REJECT --reject-with icmp6-port-unreachable", IpFamily.V6);

    [Theory]
    [InlineData("-A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80")]
    [InlineData("-A PREROUTING -j DNAT --to-destination 172.17.0.3")]
    [InlineData("-A POSTROUTING -p udp -j SNAT --to-source 192.0.2.1-192.0.2.10:1024-2048 --persistent")]
    [InlineData("-A POSTROUTING -p tcp -j MASQUERADE --to-ports 1024-65535 --random-fully")]
    [InlineData("-A PREROUTING -p tcp -m tcp --dport 3128 -j REDIRECT --to-ports 3129")]
    public void Nat_targets_keep_their_ranges_and_flags(string line) => SucceedsWith(line, line, table: "nat");

    [Fact]
    public void Nat_flags_are_written_in_save_order() =>
        SucceedsWith("-A POSTROUTING -j MASQUERADE --random-fully --random", "-A POSTROUTING -j MASQUERADE --random --random-fully", table: "nat");

    [Fact]
    public void A_dnat_range_is_typed()
    {
        var rule = SucceedsWith("-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.3:80-81", table: "nat");
        var dnat = Assert.IsType<DnatTarget>(rule.Target);

        Assert.Equal(IpAddressValue.Parse("10.0.0.3", IpFamily.V4), dnat.To!.Last);
        Assert.Equal(new PortRange(80, 81), dnat.To.Ports);
    }

    [Theory]
    [InlineData("-A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:dead:beef::2]:80")]
    [InlineData("-A PREROUTING -j DNAT --to-destination fd00:dead:beef::3")]
    [InlineData("-A POSTROUTING -j SNAT --to-source 2001:db8::1-2001:db8::5")]
    public void Ipv6_nat_ranges_use_brackets_when_a_port_follows(string line) =>
        SucceedsWith(line, line, IpFamily.V6, "nat");

    [Fact]
    public void A_known_extension_target_is_marked_known()
    {
        var rule = SucceedsWith("-A INPUT -j NFQUEUE --queue-num 3 --queue-bypass");
        var target = Assert.IsType<ExtensionTarget>(rule.Target);

        Assert.True(target.Known);
        Assert.True(target.IsTerminating);
        Assert.Equal(["--queue-num", "--queue-bypass"], target.Options.Select(o => o.Name));
    }

    [Fact]
    public void A_target_xtables_has_but_dockerfw_does_not_model_is_kept_with_a_warning()
    {
        var rule = WarnsWith(
            "-A INPUT -j TARPIT --level 3 --fast",
            "-A INPUT -j TARPIT --level 3 --fast",
            "t:4:13: warning: unknown target 'TARPIT': its options are kept verbatim but not understood [DFW153]");

        Assert.False(Assert.IsType<ExtensionTarget>(rule.Target).Known);
    }

    [Fact]
    public void Such_a_target_given_no_option_is_the_extension_not_a_jump_to_an_undeclared_chain()
    {
        var rule = WarnsWith(
            "-A INPUT -p tcp -j TCPOPTSTRIP",
            "-A INPUT -p tcp -j TCPOPTSTRIP",
            "t:4:20: warning: unknown target 'TCPOPTSTRIP': its options are kept verbatim but not understood [DFW153]",
            table: "mangle");

        Assert.IsType<ExtensionTarget>(rule.Target);
    }

    [Fact]
    public void A_target_with_options_that_no_extension_provides_is_refused_as_restore_refuses_it() =>
        FailsWithMessage("-A INPUT -j FUTURE --level 3 --fast",
            "t:4:13: error: expected a target or a chain, but got 'FUTURE' with options, which no iptables or xtables-addons extension provides (restore fails: \"Couldn't load target\") [DFW114]");

    [Fact]
    public void A_family_s_own_target_is_refused_in_the_other_family() =>
        FailsWithMessage("-A INPUT -j SNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64",
            "t:4:13: error: expected a target or a chain, but got 'SNPT' with options, which no iptables or xtables-addons extension provides (restore fails: \"Couldn't load target\") [DFW114]");

    [Fact]
    public void NETMAP_maps_to_an_address_with_its_prefix() =>
        FailsWithMessage("-A INPUT -j NETMAP --to docker0",
            "t:4:25: error: expected an IPv4 address ADDR[/LEN or /MASK], but got 'docker0' [DFW106]", table: "nat");

    [Fact]
    public void NETMAP_needs_its_to() =>
        FailsWithMessage("-A INPUT -j NETMAP", "t:4:13: error: expected --to after -j NETMAP (mandatory), but got 'NETMAP' [DFW106]", table: "nat");
}
