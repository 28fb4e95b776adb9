using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// The classes docs/acceptance.md listed as open after the fifth seed, each loaded into a namespace of our own with
/// iptables-legacy-restore: the extensions' final checks (multiport with no port option, TOS alone...), the words of
/// string options (time, hashlimit, CT's events, DSCP classes), and the non-guided tcp, set and SET. dockerfw accepts
/// each rule exactly when restore does and holds as many rules as the kernel's save prints back.
/// </summary>
public sealed class KernelFinalChecks
{
    public static TheoryData<string, string> Rules => new()
    {
        // Final checks that want one option at least (x6_fcheck, final_check): a match or target given none.
        { "filter", "-A X -p tcp -m multiport -j ACCEPT" },
        { "filter", "-A X -m addrtype" },
        { "filter", "-A X -m bpf" },
        { "filter", "-A X -m connlimit" },
        { "filter", "-A X -m conntrack" },
        { "filter", "-A X -m devgroup" },
        { "filter", "-A X -m dscp" },
        { "filter", "-A X -m ecn" },
        { "filter", "-A X -m hashlimit --hashlimit-name x" },
        { "filter", "-A X -m iprange" },
        { "filter", "-A X -m owner" },
        { "filter", "-A X -m owner --suppl-groups" },
        { "filter", "-A X -m physdev" },
        { "filter", "-A X -m recent" },
        { "filter", "-A X -m string --algo bm" },
        { "filter", "-A X -m ttl" },
        { "filter", "-A X -m time --contiguous" },
        { "filter", "-A X -m set" },
        { "mangle", "-A X -j CONNMARK" },
        { "mangle", "-A X -j CONNSECMARK" },
        { "mangle", "-A X -j DSCP" },
        { "mangle", "-A X -j TCPMSS" },
        { "mangle", "-A X -j TOS" },
        { "mangle", "-A X -j TTL" },
        { "mangle", "-A X -j SET" },
        { "mangle", "-A X -j SET --exist" },
        // CT's events and DSCP's classes: the library's own words.
        { "raw", "-A X -j CT --ctevents NEW" },
        { "raw", "-A X -j CT --ctevents new,,related" },
        { "raw", "-A X -j CT --ctevents new,related" },
        { "raw", "-A X -j CT --ctevents destroy,reply,assured,protoinfo,helper,mark,natseqinfo,secmark" },
        { "raw", "-A X -j CT --expevents related" },
        { "raw", "-A X -j CT --expevents new" },
        { "raw", "-A X -j CT --ctevents \"\"" },
        { "mangle", "-A X -m dscp --dscp-class af111" },
        { "mangle", "-A X -m dscp --dscp-class AF1" },
        { "mangle", "-A X -j DSCP --set-dscp-class cs7" },
        { "mangle", "-A X -j DSCP --set-dscp-class VA" },
        // -m time: dates and times read with strtoul into 32 bits, list items cut to 3 (weekdays) or 2 (monthdays) characters, --contiguous.
        { "filter", "-A X -m time --weekdays Monday" },
        { "filter", "-A X -m time --weekdays mon" },
        { "filter", "-A X -m time --weekdays 0" },
        { "filter", "-A X -m time --weekdays 9" },
        { "filter", "-A X -m time --weekdays Mon,,Tue" },
        { "filter", "-A X -m time --weekdays \"\"" },
        { "filter", "-A X -m time --weekdays Mon," },
        { "filter", "-A X -m time --monthdays 32" },
        { "filter", "-A X -m time --monthdays 123" },
        { "filter", "-A X -m time --monthdays 08" },
        { "filter", "-A X -m time --monthdays 1,,2" },
        { "filter", "-A X -m time --timestart 10" },
        { "filter", "-A X -m time --timestart 10:" },
        { "filter", "-A X -m time --timestart :30" },
        { "filter", "-A X -m time --timestart 24:00" },
        { "filter", "-A X -m time --timestart 1:2:60" },
        { "filter", "-A X -m time --timestart 4294967296:00" },
        { "filter", "-A X -m time --datestart 1970" },
        { "filter", "-A X -m time --datestart 1970-0" },
        { "filter", "-A X -m time --datestart 1970-01-00" },
        { "filter", "-A X -m time --datestart 2039" },
        { "filter", "-A X -m time --datestart 2038-12-31T23:59:59" },
        { "filter", "-A X -m time --datestart 2020-13" },
        { "filter", "-A X -m time --datestart 2020-1-1T" },
        { "filter", "-A X -m time --datestart 2020-1-1T1:2:3:" },
        { "filter", "-A X -m time --datestart 4294969266" },
        { "filter", "-A X -m time --timestart 10:00 --timestop 09:00 --contiguous" },
        { "filter", "-A X -m time --timestart 10:00 --timestop 11:00 --contiguous" },
        { "filter", "-A X -m time --timestop 10:00 --contiguous" },
        // -m hashlimit: rates in packets or bytes, bursts, modes, the kernel's expiry and collection interval.
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/x" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 0" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5x" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 1000001/sec" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 1000000/sec" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 10xb/s" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto b/s" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto -5/s" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/MIN" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-burst 1000001" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-burst 0" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-burst 5k" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-burst 1000k" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 10kb/s --hashlimit-burst 5" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 10kb/s --hashlimit-burst 50k" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-mode srcip|dstport" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-mode srcip,,dstport" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-mode SRCIP" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-mode \"\"" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-rate-interval 0" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-htable-expire 0" },
        { "filter", "-A X -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-htable-gcinterval 0" },
        // -m tcp: flag lists as strtok splits them, --syn with --tcp-flags, --tcp-option in 0-255.
        { "filter", "-A X -p tcp --tcp-flags SYN,,ACK SYN" },
        { "filter", "-A X -p tcp --tcp-flags \"\" SYN" },
        { "filter", "-A X -p tcp --tcp-flags SYN, SYN" },
        { "filter", "-A X -p tcp --syn --tcp-flags SYN SYN" },
        { "filter", "-A X -p tcp --tcp-option 256" },
        { "filter", "-A X -p tcp --tcp-option 0x5" },
        { "filter", "-A X -p tcp --tcp-option -1" },
        // -m set (the sets s1 and m1 exist): directions that begin with src or dst, counters, options that take no '!'.
        { "filter", "-A X -m set --match-set s1 src ! --packets-lt 5" },
        { "filter", "-A X -m set --match-set s1 src ! --return-nomatch" },
        { "filter", "-A X -m set ! --match-set s1 srcx" },
        { "filter", "-A X -m set --match-set s1 dstfoo,src" },
        { "filter", "-A X -m set --match-set s1 src --packets-eq x" },
        { "filter", "-A X -m set --match-set s1 src --packets-eq 5 --packets-gt 3" },
        { "filter", "-A X -m set --match-set s1 src --packets-eq 08" },
        { "filter", "-A X -m set --match-set s1 src --bytes-lt 0x10" },
        // -j SET: each set option once, --exist and --timeout with --add-set, the map flags with --map-set, which loads in mangle only.
        { "filter", "-A X -j SET --del-set s1 src --exist" },
        { "filter", "-A X -j SET --add-set s1 src --timeout x" },
        { "filter", "-A X -j SET --add-set s1 src --timeout 4294967296" },
        { "filter", "-A X -j SET --del-set s1 src --timeout 5" },
        { "filter", "-A X -j SET --add-set s1 foo" },
        { "filter", "-A X -j SET --add-set s1 src --add-set s1 dst" },
        { "filter", "-A X -j SET --add-set s1 srcx --timeout 010 --exist --exist" },
        { "filter", "-A X -j SET --map-set m1 src --map-mark" },
        { "mangle", "-A X -j SET --map-set m1 src --map-mark" },
        { "mangle", "-A X -j SET --map-set m1 src" },
        { "filter", "-A X -j SET --add-set s1 src --map-mark" },
        // The second step: owner (--suppl-groups after --gid-owner, numeric ranges), string (--from/--to, empty and hex
        // patterns), recent's empty --name, SYNPROXY without -p tcp, connlimit's mask up to 128 in IPv4.
        { "filter", "-A X -m connlimit --connlimit-above 5 --connlimit-mask 33" },
        { "filter", "-A X -m owner --suppl-groups --gid-owner 0" },
        { "filter", "-A X -m owner --gid-owner 0 --suppl-groups" },
        { "filter", "-A X -m owner --uid-owner 5:1" },
        { "filter", "-A X -m owner --uid-owner 5-1" },
        { "filter", "-A X -m owner --uid-owner 1-5" },
        { "filter", "-A X -m owner --gid-owner 4294967295" },
        { "filter", "-A X -m owner --uid-owner 4294967294" },
        { "filter", "-A X -m string --string x --algo bm --from 10 --to 5" },
        { "filter", "-A X -m string --string x --algo bm --from 5 --to 5" },
        { "filter", "-A X -m string --string \"\" --algo bm" },
        { "filter", "-A X -m string --hex-string \"|zz|\" --algo bm" },
        { "filter", "-A X -m string --hex-string \"|41\" --algo bm" },
        { "filter", "-A X -m string --hex-string \"|4|\" --algo bm" },
        { "filter", "-A X -m string --hex-string \"\" --algo bm" },
        { "filter", "-A X -m string --hex-string \"a|41 42|b\" --algo bm" },
        { "filter", "-A X -m string --hex-string \"| 41|\" --algo bm" },
        { "filter", "-A X -m string --hex-string \"|41 |\" --algo bm" },
        { "filter", "-A X -m string --hex-string \"|4142|\" --algo bm" },
        { "filter", "-A X -m recent --rcheck --name \"\"" },
        { "filter", "-A X -m recent --rcheck --name x" },
        { "filter", "-A INPUT -j SYNPROXY" },
        { "filter", "-A INPUT ! -p tcp -j SYNPROXY" },
        { "filter", "-A INPUT -p tcp -j SYNPROXY --mss 1460" },
    };

    [KernelTheory]
    [MemberData(nameof(Rules))]
    public void Dockerfw_accepts_each_rule_as_legacy_restore_does(string table, string rule)
    {
        var chain = rule.Split(' ')[1];
        var text = $"*{table}\n:{chain} {(chain == "X" ? "-" : "ACCEPT")} [0:0]\n{rule}\nCOMMIT\n";
        if (LegacyRestore.Agree(text, table, prepare: CreateSets) is not (var ours, var saved)) return;
        Assert.Equal(saved.Count, ours.Rules.Count());
    }

    /// <summary>The sets the rules name: restore refuses a set that does not exist, which dockerfw cannot know (deliberate).</summary>
    private static void CreateSets(Netns netns)
    {
        netns.Exec("ipset", "create", "s1", "hash:ip").EnsureOk();
        netns.Exec("ipset", "create", "m1", "hash:ip", "skbinfo").EnsureOk();
    }
}
