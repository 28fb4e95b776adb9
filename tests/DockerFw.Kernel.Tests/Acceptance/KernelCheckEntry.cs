using DockerFw.Kernel.Tests.Harness;
using DockerFw.Core.Model.Values;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// The kernel's own checks of a rule (checkentry, run on commit) that the libraries let through, each rule loaded into a
/// namespace of our own with iptables-legacy-restore (ip6tables-legacy-restore for the IPv6 ones): hashlimit's credits
/// (this machine runs HZ 250) and table name, recent's commands, hitcount and name, TCPMSS's SYN match and hooks, the
/// tables, hooks and protocols of the targets dockerfw keeps verbatim, and an unknown option of the modules whose option
/// tables were open-ended before, and bpf's programs. dockerfw accepts each rule exactly when restore does.
/// </summary>
public sealed class KernelCheckEntry
{
    public static TheoryData<string, string, bool> Rules => new()
    {
        // hashlimit: user2credits(avg * burst) wraps below user2credits(avg); the default burst is 5.
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/day --hashlimit-name a", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/day --hashlimit-burst 1 --hashlimit-name a", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/day --hashlimit-burst 2 --hashlimit-name a", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/day --hashlimit-burst 100000 --hashlimit-name a", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/hour --hashlimit-burst 100 --hashlimit-name a", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 2236 --hashlimit-name a", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 2237 --hashlimit-name a", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/day --hashlimit-burst 1k --hashlimit-name a", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/day --hashlimit-burst 1 --hashlimit-name a --hashlimit-rate-match", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/day --hashlimit-name a --hashlimit-rate-match", false },
        { "filter", "-A X -m hashlimit --hashlimit-above 32767mb/s --hashlimit-name a", false },
        { "filter", "-A X -m hashlimit --hashlimit-above 32768mb/s --hashlimit-name a", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/day --hashlimit-burst 1 --hashlimit-name a", true },
        { "filter", "-A X -m hashlimit --hashlimit-upto 1/day --hashlimit-burst 2 --hashlimit-name a", true },
        // xt_check_proc_name: the table becomes a /proc file.
        { "filter", "-A X -m hashlimit --hashlimit-upto 5 --hashlimit-name a/b", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 5 --hashlimit-name .", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 5 --hashlimit-name ...", false },
        { "filter", "-A X -m recent --rcheck --name ..", false },
        { "filter", "-A X -m recent --rcheck --name a/b", false },
        // recent: --set and --remove take no modifiers; the hitcount fits this kernel's 16-bit stamps.
        { "filter", "-A X -m recent --set --seconds 5 --name a", false },
        { "filter", "-A X -m recent --remove --hitcount 5", false },
        { "filter", "-A X -m recent --remove --reap --seconds 4", false },
        { "filter", "-A X -m recent --rcheck --seconds 4 --reap", false },
        { "filter", "-A X -m recent --update --rttl --name a", false },
        { "filter", "-A X -m recent --rcheck --hitcount 0 --name a", false },
        { "filter", "-A X -m recent --rcheck --hitcount 256 --name a", false },
        { "filter", "-A X -m recent --rcheck --hitcount 65535 --name a", false },
        { "filter", "-A X -m recent --rcheck --hitcount 65536 --name a", false },
        { "filter", "-A X -m recent --rcheck --hitcount 4294967295 --name a", false },
        // TCPMSS: TCP, a tcp match comparing SYN, not negated; clamping only from FORWARD, OUTPUT, POSTROUTING.
        { "mangle", "-A X -j TCPMSS --set-mss 1400", false },
        { "mangle", "-A X -p tcp -j TCPMSS --set-mss 1400", false },
        { "mangle", "-A X -p tcp --syn -j TCPMSS --set-mss 1400", false },
        { "mangle", "-A X -p tcp ! --syn -j TCPMSS --set-mss 1400", false },
        { "mangle", "-A X -p tcp --tcp-flags ACK SYN -j TCPMSS --set-mss 1400", false },
        { "mangle", "-A X -p tcp --tcp-flags SYN ACK -j TCPMSS --set-mss 1400", false },
        { "mangle", "-A X -p tcp --tcp-flags SYN,RST SYN,ACK -j TCPMSS --set-mss 1400", false },
        { "mangle", "-A X -p tcp --dport 80 -m tcp --syn -j TCPMSS --set-mss 1400", false },
        { "mangle", "-A X -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu", false },
        { "mangle", "-A PREROUTING -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu", false },
        { "mangle", "-A INPUT -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu", false },
        { "mangle", "-A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu", false },
        { "mangle", "-A PREROUTING -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1000", false },
        { "filter", "-A X -p tcp --syn -j TCPMSS --set-mss 1400", false },
        { "mangle", "-A X -p tcp --syn -j TCPMSS --set-mss 1400", true },
        { "mangle", "-A X -p tcp -j TCPMSS --set-mss 1400", true },
        // Targets dockerfw keeps verbatim: TCPOPTSTRIP and ECN in mangle only (with TCP), DNPT and SNPT from their hooks.
        { "filter", "-A X -p tcp -j TCPOPTSTRIP --strip-options mss", false },
        { "mangle", "-A X -p tcp -j TCPOPTSTRIP --strip-options mss", false },
        { "mangle", "-A X ! -p tcp -j TCPOPTSTRIP --strip-options mss", false },
        { "raw", "-A X -p tcp -j ECN --ecn-tcp-remove", false },
        { "mangle", "-A X -j ECN --ecn-tcp-remove", false },
        { "mangle", "-A X -p udp -j ECN --ecn-ip-ect 1", false },
        { "filter", "-A X -j HMARK --hmark-tuple src --hmark-mod 10 --hmark-rnd 1", false },
        { "nat", "-A X -j TEE --gateway 10.0.0.1", false },
        { "filter", "-A X -j DNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64", true },
        { "mangle", "-A X -j SNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64", true },
        { "mangle", "-A PREROUTING -j DNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64", true },
        { "mangle", "-A PREROUTING -j SNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64", true },
        { "mangle", "-A OUTPUT -j DNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64", true },
        { "mangle", "-A POSTROUTING -j SNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64", true },
        { "mangle", "-A FORWARD -j SNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64", true },
        // bpf: libxt_bpf's text (length, then one instruction after each ',' with text after it) and bpf_check_classic.
        { "filter", "-A X -m bpf --bytecode \"4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0,\"", false },
        { "filter", "-A X -m bpf --bytecode \"3,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"5,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"1,6 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"0,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"65,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"65537,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \" +1 ,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"1 ,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"1,65542 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"1,6 256 0 0x\"", false },
        { "filter", "-A X -m bpf --bytecode \"1,7 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"1,22 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"2,52 0 0 0,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"2,52 0 0 1,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"2,100 0 0 32,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"2,96 0 0 1,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"3,2 0 0 1,96 0 0 1,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"4,21 0 1 6,2 0 0 1,96 0 0 1,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"2,21 1 0 6,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"2,5 0 0 0,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"2,5 0 0 1,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"2,32 0 0 4294963200,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"2,32 0 0 4294963201,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"2,32 0 0 4294963264,6 0 0 0\"", false },
        { "filter", "-A X -m bpf --bytecode \"1,6 0 0 0,x\"", false },
        { "filter", "-A X -m bpf --bytecode \"1,6 0 0 0\" --object-pinned /x", false },
        // owner: a name is the loading host's, but none is empty or holds a line feed or ':' (the eleventh seed's class).
        { "filter", "-A X -m owner --uid-owner \" 105 -j ACCEPT", false },
        { "filter", "-A X -m owner --uid-owner \"a:b\"", false },
        { "filter", "-A X -m owner --uid-owner \"\"", false },
        { "filter", "-A X -m owner --uid-owner \" 105\"", false },
        { "filter", "-A X -m owner --uid-owner 1:5", false },
        { "filter", "-A X -m owner --gid-owner root", false },
        // An option the library does not declare, in modules whose tables were open-ended (getopt: "unknown option").
        { "filter", "-A X -m hashlimit --hashlimit-upto 5 --hashlimit-name a --hashlimit-foo 3", false },
        { "filter", "-A X -m hashlimit --hashlimit-upto 5 --hashlimit-name a --hashlimit-n b", false },
        { "filter", "-A X -m policy --dir in --pol none --foo", false },
        { "filter", "-A X -m policy -.dir in", false },
        { "filter", "-A X -m time --foo", false },
        { "filter", "-A X -m hbh --foo 1", true },
        { "filter", "-A X -m dst --dst-len 8 --dst-foo", true },
    };

    [KernelTheory]
    [MemberData(nameof(Rules))]
    public void Dockerfw_accepts_each_rule_as_legacy_restore_does(string table, string rule, bool v6)
    {
        var chain = rule.Split(' ')[1];
        var text = $"*{table}\n:{chain} {(chain == "X" ? "-" : "ACCEPT")} [0:0]\n{rule}\nCOMMIT\n";
        if (LegacyRestore.Agree(text, table, v6 ? IpFamily.V6 : IpFamily.V4) is not (var ours, var saved)) return;
        Assert.Equal(saved.Count, ours.Rules.Count());
    }
}
