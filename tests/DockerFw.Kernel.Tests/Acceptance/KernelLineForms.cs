using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// Forms the acceptance fuzz found dockerfw reading otherwise than iptables-legacy-restore
/// (docs/acceptance.md): a last COMMIT without its line feed, getopt's bundled short options, a
/// <c>!</c> with no value after it, extension numbers out of range, an unknown text-search algorithm, <c>-M</c>,
/// an option given twice in one match, a line feed in a log prefix.
/// Each dump is loaded into a namespace of our own: dockerfw accepts it exactly when the kernel's
/// restore does, and prints each rule as the kernel's save prints it back.
/// </summary>
public sealed class KernelLineForms
{
    public static TheoryData<string> Dumps => new()
    {
        // Legacy compares the line with "COMMIT\n": without the line feed it is a rule ("Bad argument `COMMIT'").
        "*filter\n:X - [0:0]\n-A X -j ACCEPT\nCOMMIT",
        "*filter\n:X - [0:0]\n-A X -j ACCEPT\nCOMMIT\n",
        // getopt: -vj is -v -j, -jRETURN is -j RETURN, -ieth0 is -i eth0; -v alone is allowed with -A.
        "*filter\n:X - [0:0]\n-A X -i br-dummy -vj RETURN\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -jRETURN\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -ieth0 -p tcp -m tcp --dport 80 -v -j ACCEPT\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -vx -j ACCEPT\nCOMMIT\n",
        // A `!` with no value after it is the value: an interface named "!".
        "*filter\n:X - [0:0]\n-A X -i ! -o docker0 -j X2\n:X2 - [0:0]\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -o ! -j ACCEPT\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -s ! -j ACCEPT\nCOMMIT\n",
        // An interface name is any 1-15 bytes: '/' and ' ' only make iptables warn (the sixth and seventh seeds).
        "*filter\n:X - [0:0]\n-A X ! -i br-dummy -o fe80::/10 -j DROP\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -o / -j DROP\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -i \"\" -j DROP\nCOMMIT\n",
        // -M (--modprobe) names the program that loads kernel modules: taken on -A, not part of the rule.
        "*filter\n:X - [0:0]\n-A X -p tcp -M tcp --dport 22 -j ACCEPT\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -Mtcp -j ACCEPT\nCOMMIT\n",
        // An option twice in one match is refused; in two matches of one module, or in two policy elements, it loads.
        "*filter\n:X - [0:0]\n-A X -m conntrack --ctstate NEW --ctstate NEW -j ACCEPT\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -m recent ! --rcheck --rcheck --name x -j ACCEPT\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -p tcp -m tcp --dport 80 --destination-port 81 -j ACCEPT\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -p tcp --dport 80 -m tcp --dport 81 -j ACCEPT\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -m policy --dir in --pol ipsec --strict --reqid 1 --next --reqid 2 -j ACCEPT\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -m policy --dir in --pol ipsec --reqid 1 --reqid 2 -j ACCEPT\nCOMMIT\n",
        // NFLOG and NFQUEUE numbers: xtables_strtoui, base 0, 16 or 32 bits.
        "*filter\n:X - [0:0]\n-A X -p ah -j NFLOG --nflog-group 5r\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -j NFLOG --nflog-group 65536\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -j NFLOG --nflog-group 010 --nflog-threshold 0x10\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -j NFQUEUE --queue-num 65536\nCOMMIT\n",
        // An unclosed quote takes the line feed into the value: LOG's and NFLOG's prefixes refuse it, a comment keeps it.
        "*filter\n:X - [0:0]\n-A X -j LOG --log-prefix \"abc \nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -j NFLOG --nflog-prefix \"abc \nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -m comment --comment \"abc \nCOMMIT\n",
        // -m string: the kernel knows bm and kmp (fsm only where it is built).
        "*filter\n:X - [0:0]\n-A X -p tcp -m string --string \"GET /\" --algo [0:0:0] -j ACCEPT\nCOMMIT\n",
        "*filter\n:X - [0:0]\n-A X -p tcp -m string --string \"GET /\" --algo kmp -j ACCEPT\nCOMMIT\n",
    };

    [KernelTheory]
    [MemberData(nameof(Dumps))]
    public void Dockerfw_accepts_each_line_form_as_legacy_restore_does(string text)
    {
        if (LegacyRestore.Agree(text) is not (var ours, var saved)) return;
        Assert.Equal(saved, ours.Rules.Select(rule => IptablesSaveWriter.FormatRule(rule)));
    }
}
