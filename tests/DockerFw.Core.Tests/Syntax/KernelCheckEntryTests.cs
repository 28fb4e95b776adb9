using static DockerFw.Core.Tests.Syntax.AssertReader;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// The kernel's own checks of a rule (the xt_match's and xt_target's checkentry, run when restore commits) that the
/// libraries let through (docs/acceptance.md, "Final checks and words"): hashlimit's credits and table name, recent's
/// commands and hitcount, TCPMSS's SYN match and hooks, and where the targets dockerfw keeps verbatim load.
/// KernelCheckEntry loads the same lines with iptables-legacy-restore.
/// </summary>
public class KernelCheckEntryTests
{
    [Theory]
    // hashlimit_mt_check_common: a packet rate's credits for the burst overflow 64 bits ("try lower"; HZ 250 and 1000).
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-upto 1/day --hashlimit-name h", "t:4:12: error: expected a smaller burst for 1/day (the kernel's credits overflow: \"try lower\"), but got '5 (the default)' [DFW106]")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 2237 --hashlimit-name h", "t:4:12: error: expected a smaller burst for 1/min (the kernel's credits overflow: \"try lower\"), but got '2237' [DFW106]")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-upto 32768mb/s --hashlimit-name h", "t:4:12: error: expected a byte rate below 32768mb/s (the kernel's check: \"rate too high\"), but got '32768mb/s' [DFW106]")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-upto 5/sec --hashlimit-name a/b", "t:4:12: error: expected a --hashlimit-name that is a file name (not empty, '.', '..', no '/': the kernel's check), but got 'a/b' [DFW106]")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-upto 5/sec --hashlimit-name h --hashlimit-future 3", "t:4:64: error: unknown option \"--hashlimit-future\" for module 'hashlimit', expected one of --hashlimit-upto, --hashlimit-above, --hashlimit-burst, --hashlimit-mode, --hashlimit-srcmask, --hashlimit-dstmask, --hashlimit-name, --hashlimit-htable-size, --hashlimit-htable-max, --hashlimit-htable-expire, --hashlimit-htable-gcinterval, --hashlimit-rate-match, --hashlimit-rate-interval, --hashlimit [DFW105]")]
    // recent_mt_check: --set and --remove take no modifiers, a hitcount fits the stamps, the name is a /proc file.
    [InlineData("filter", "-A USER -m recent --set --seconds 5 --name a", "t:4:12: error: expected no --seconds with --set (the kernel's check), but got '--seconds' [DFW106]")]
    [InlineData("filter", "-A USER -m recent --remove --reap --seconds 4", "t:4:12: error: expected no --reap with --remove (the kernel's check), but got '--reap' [DFW106]")]
    [InlineData("filter", "-A USER -m recent --rcheck --hitcount 65536 --name a", "t:4:12: error: expected a --hitcount of at most 65535 (the kernel's check), but got '65536' [DFW106]")]
    [InlineData("filter", "-A USER -m recent --rcheck --name ..", "t:4:12: error: expected a --name that is a file name (not empty, '.', '..', no '/': the kernel's check), but got '..' [DFW106]")]
    [InlineData("filter", "-A USER -m recent --rcheck --name \"\"", "t:4:12: error: expected a --name that is a file name (not empty, '.', '..', no '/': the kernel's check), but got '' [DFW106]")]
    // tcpmss_tg_check: TCP, a SYN match not negated; --clamp-mss-to-pmtu only from FORWARD, OUTPUT and POSTROUTING.
    [InlineData("mangle", "-A USER -j TCPMSS --set-mss 1400", "t:4:12: error: expected -p tcp before -j TCPMSS (the kernel's check), but got 'no -p' [DFW106]")]
    [InlineData("mangle", "-A USER -p tcp -j TCPMSS --set-mss 1400", "t:4:19: error: expected a tcp match of SYN packets (--syn or --tcp-flags MASK SYN) before -j TCPMSS (the kernel's check), but got 'TCPMSS' [DFW106]")]
    [InlineData("mangle", "-A USER -p tcp ! --syn -j TCPMSS --set-mss 1400", "t:4:27: error: expected a tcp match of SYN packets (--syn or --tcp-flags MASK SYN) before -j TCPMSS (the kernel's check), but got 'TCPMSS' [DFW106]")]
    [InlineData("mangle", "-A USER -p tcp --tcp-flags SYN ACK -j TCPMSS --set-mss 1400", "t:4:39: error: expected a tcp match of SYN packets (--syn or --tcp-flags MASK SYN) before -j TCPMSS (the kernel's check), but got 'TCPMSS' [DFW106]")]
    [InlineData("mangle", "-A INPUT -p tcp --syn -j TCPMSS --clamp-mss-to-pmtu", "t:4:26: error: expected TCPMSS only in chains reached from FORWARD or OUTPUT or POSTROUTING (the kernel refuses it elsewhere on commit: EINVAL), but chain 'INPUT' is reached from INPUT [DFW113]")]
    // Targets dockerfw keeps verbatim, in the tables, hooks and protocols the kernel takes them.
    [InlineData("filter", "-A USER -p tcp -j TCPOPTSTRIP --strip-options mss", "t:4:19: error: expected TCPOPTSTRIP only in table 'mangle' (the kernel refuses it elsewhere: EINVAL), but got it in table 'filter' [DFW112]")]
    [InlineData("mangle", "-A USER -j TCPOPTSTRIP --strip-options mss", "t:4:12: error: expected -p tcp before -j TCPOPTSTRIP (the kernel's check), but got 'no -p' [DFW106]")]
    [InlineData("mangle", "-A USER -p udp -j ECN --ecn-tcp-remove", "t:4:19: error: expected -p tcp before -j ECN --ecn-tcp-remove (the kernel's check), but got 'udp' [DFW106]")]
    // bpf: libxt_bpf's text, then the kernel's bpf_check_classic.
    [InlineData("filter", "-A USER -m bpf --bytecode \"3,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0\"", "t:4:27: error: expected a BPF program of 3 instructions, as its length says, but got '3,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0' [DFW106]")]
    [InlineData("filter", "-A USER -m bpf --bytecode \"1 ,6 0 0 0\"", "t:4:27: error: expected a BPF program 'N,CODE JT JF K,...' (as nfbpf_compile prints it), but got '1 ,6 0 0 0' [DFW106]")]
    [InlineData("filter", "-A USER -m bpf --bytecode \"1,6 0 0\"", "t:4:27: error: expected a BPF program 'N,CODE JT JF K,...' (as nfbpf_compile prints it): instruction 0 is not four numbers, but got '1,6 0 0' [DFW106]")]
    [InlineData("filter", "-A USER -m bpf --bytecode \"2,52 0 0 0,6 0 0 0\"", "t:4:27: error: expected a BPF program the kernel's check takes (instruction 0: a division by 0), but got '2,52 0 0 0,6 0 0 0' [DFW106]")]
    [InlineData("filter", "-A USER -m bpf --bytecode \"2,96 0 0 1,6 0 0 0\"", "t:4:27: error: expected a BPF program the kernel's check takes (instruction 0: a scratch cell loaded before it is stored), but got '2,96 0 0 1,6 0 0 0' [DFW106]")]
    [InlineData("filter", "-A USER -m bpf --bytecode \"1,7 0 0 0\"", "t:4:27: error: expected a BPF program the kernel's check takes (a return last), but got '1,7 0 0 0' [DFW106]")]
    // owner: a name no passwd or group line can hold (an unclosed quote took the rest of the line, its line feed included).
    [InlineData("filter", "-A USER -m owner --uid-owner \"a:b\"", "t:4:12: error: expected --uid-owner NAME (a user or group name: not empty, no line feed or ':') or ID[-ID], but got 'a:b' [DFW106]")]
    [InlineData("filter", "-A USER -m owner --gid-owner \"\"", "t:4:12: error: expected --gid-owner NAME (a user or group name: not empty, no line feed or ':') or ID[-ID], but got '' [DFW106]")]
    public void What_the_kernel_refuses_on_commit_is_refused(string table, string line, string message) =>
        FailsWithMessage(line, message, table: table);

    [Theory]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-upto 1/day --hashlimit-burst 1 --hashlimit-name h")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 2236 --hashlimit-name h")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-upto 1/day --hashlimit-name h --hashlimit-rate-match")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-upto 32767mb/s --hashlimit-name ...")]
    [InlineData("filter", "-A USER -m recent --rcheck --hitcount 65535 --name a")]
    [InlineData("filter", "-A USER -m recent --rcheck --seconds 4 --reap")]
    [InlineData("mangle", "-A USER -p tcp --tcp-flags ACK SYN -j TCPMSS --set-mss 1400")]
    [InlineData("mangle", "-A USER -p tcp --dport 80 -m tcp --syn -j TCPMSS --clamp-mss-to-pmtu")]
    [InlineData("mangle", "-A USER -j ECN --ecn-ip-ect 1")]
    [InlineData("filter", "-A USER -m bpf --bytecode \"4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0,\"")]
    [InlineData("filter", "-A USER -m bpf --bytecode \"3,2 0 0 1,96 0 0 1,6 0 0 0\"")]
    [InlineData("filter", "-A USER -m bpf --bytecode \"1,65542 0 0 0x\"")]
    [InlineData("filter", "-A USER -m owner --uid-owner \" 105\" --gid-owner www-data")]
    public void What_the_kernel_loads_is_read(string table, string line)
    {
        var result = Read(line, table: table);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors.Select(e => e.Render())));
        Assert.Single(result.Value!.Rules);
    }

    [Fact]
    public void An_IPv6_prefix_translation_loads_only_from_its_hooks()
    {
        var dump = "*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
            + "-A PREROUTING -j DNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64\n"
            + "-A INPUT -j DNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64\nCOMMIT\n";
        var result = DockerFw.Core.Syntax.IptablesSave.IptablesSaveReader.Read(dump, "t", DockerFw.Core.Model.Values.IpFamily.V6);
        Assert.Equal(["t:5:13: error: expected DNPT only in chains reached from PREROUTING or OUTPUT (the kernel refuses it elsewhere on commit: EINVAL), but chain 'INPUT' is reached from INPUT [DFW113]"],
            result.Errors.Select(e => e.Render()));
    }
}
