using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Core.Tests.Syntax.AssertReader;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// What the extensions' own code checks after libxtables' option tables (docs/acceptance.md, "Final checks and
/// words"): the words of string options (time, hashlimit, CT's events, DSCP classes), the final checks that want an
/// option or compare two (x6_fcheck), and the non-guided tcp, set and SET. Each refusal is restore's (KernelFinalChecks
/// loads the same lines); each form that loads is read.
/// </summary>
public class ExtensionFinalCheckTests
{
    [Theory]
    // A final check that wants one option at least ("multiport expection an option", "TOS: An action is required").
    [InlineData("filter", "-A USER -p tcp -m multiport -j ACCEPT", "t:4:19: error: expected one of --sports, --dports, --ports after -m multiport (its final check), but got 'multiport' [DFW106]")]
    [InlineData("filter", "-A USER -m conntrack -j ACCEPT", "t:4:12: error: expected an option after -m conntrack (its final check), but got 'conntrack' [DFW106]")]
    [InlineData("filter", "-A USER -m owner --suppl-groups -j ACCEPT", "t:4:12: error: expected one of --uid-owner, --gid-owner, --socket-exists after -m owner (its final check), but got 'owner' [DFW106]")]
    [InlineData("mangle", "-A USER -j TOS", "t:4:12: error: expected one of --set-tos, --and-tos, --or-tos, --xor-tos after -j TOS (its final check), but got 'TOS' [DFW106]")]
    [InlineData("mangle", "-A USER -j CONNMARK --mask 1", "t:4:12: error: expected one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark, --save-mark, --restore-mark after -j CONNMARK (its final check), but got 'CONNMARK' [DFW106]")]
    // Final checks that compare: time's --contiguous, hashlimit's burst against its rate, and the kernel's hashlimit expiry.
    [InlineData("filter", "-A USER -m time --timestart 10:00 --timestop 11:00 --contiguous", "t:4:12: error: expected --contiguous only with a --timestop before --timestart, but got '10:00 to 11:00' [DFW106]")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-burst 1000k", "t:4:12: error: expected a burst of at most 1000000, but got '1000k' [DFW106]")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-name h --hashlimit-upto 10kb/s --hashlimit-burst 5", "t:4:12: error: expected a burst of at least the bytes of one credit of 10kb/s, but got '5' [DFW106]")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-htable-expire 0", "t:4:12: error: expected --hashlimit-htable-expire above 0 (the kernel refuses 0), but got '0' [DFW106]")]
    // Words of string options.
    [InlineData("filter", "-A USER -m time --weekdays mon", "t:4:28: error: expected weekdays (Mon,Tue,... or 1-7, separated by ','), but got 'mon' [DFW106]")]
    [InlineData("filter", "-A USER -m time --monthdays 32", "t:4:29: error: expected days of the month (0-31, separated by ','), but got '32' [DFW106]")]
    [InlineData("filter", "-A USER -m time --timestart 24:00", "t:4:29: error: expected a time of day hh:mm[:ss] (00:00:00-23:59:59), but got '24:00' [DFW106]")]
    [InlineData("filter", "-A USER -m time --datestart 1970-01-00", "t:4:29: error: expected a date YYYY[-MM[-DD[Thh[:mm[:ss]]]]] from 1970 to 2038, but got '1970-01-00' [DFW106]")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-name h --hashlimit-upto 1000001/sec", "t:4:58: error: expected a rate N[/second|/minute|/hour|/day] or N[k|m]b/s, not 0 nor faster than 1,000,000/s, but got '1000001/sec' [DFW106]")]
    [InlineData("filter", "-A USER -m hashlimit --hashlimit-name h --hashlimit-upto 5/sec --hashlimit-mode none", "t:4:81: error: expected hashlimit modes (srcip, srcport, dstip, dstport, separated by ','), but got 'none' [DFW106]")]
    [InlineData("filter", "-A USER -m dscp --dscp-class AF1", "t:4:30: error: expected a DSCP class (CS0-CS7, BE, AF11-AF43, EF), but got 'AF1' [DFW106]")]
    [InlineData("mangle", "-A USER -j DSCP --set-dscp-class VA", "t:4:34: error: expected a DSCP class (CS0-CS7, BE, AF11-AF43, EF), but got 'VA' [DFW106]")]
    // tcp, set and SET, which parse with their own code.
    [InlineData("filter", "-A USER -p tcp --syn --tcp-flags SYN SYN", "t:4:16: error: expected --syn or --tcp-flags in one -m tcp, not both, but got 'tcp' [DFW106]")]
    [InlineData("filter", "-A USER -p tcp --tcp-option 256", "t:4:29: error: expected a TCP option number 0-255 (as in C: 010 = 8, 0x10 = 16), but got '256' [DFW106]")]
    [InlineData("filter", "-A USER -m set --match-set s1 src --packets-eq 5 --packets-gt 3", "t:4:12: error: expected one of --packets-eq, --packets-lt, --packets-gt in one -m set, but got '--packets-eq --packets-gt' [DFW106]")]
    [InlineData("filter", "-A USER -m set --match-set s1 src ! --return-nomatch", "t:4:35: error: expected no '!' before --return-nomatch, which cannot be negated [DFW107]")]
    [InlineData("filter", "-A USER -m set --match-set s1 src --bytes-eq -1", "t:4:46: error: expected a counter value (a number as in C: 010 = 8, 0x10 = 16), but got '-1' [DFW106]")]
    [InlineData("filter", "-A USER -j SET --del-set s1 src --exist", "t:4:33: error: expected --exist only with --add-set, but got '--exist' [DFW106]")]
    [InlineData("filter", "-A USER -j SET --add-set s1 src --add-set s1 dst", "t:4:33: error: expected --add-set after -j SET at most once, but got it again [DFW105]")]
    [InlineData("filter", "-A USER -j SET --add-set s1 src --timeout 4294967296", "t:4:43: error: expected a timeout 0-4294967295 (as in C: 010 = 8, 0x10 = 16), but got '4294967296' [DFW106]")]
    [InlineData("filter", "-A USER -j SET --map-set m1 src --map-mark", "t:4:12: error: expected --map-set in the mangle table (the kernel's check), but got 'filter' [DFW106]")]
    [InlineData("mangle", "-A USER -j SET --map-set m1 src", "t:4:12: error: expected one of --map-mark, --map-prio, --map-queue with --map-set, but got 'SET' [DFW106]")]
    // The kernel's own checks of values the libraries pass: string's offsets and empty pattern, recent's name, SYNPROXY's protocol.
    [InlineData("filter", "-A USER -m string --string x --algo bm --from 10 --to 5", "t:4:12: error: expected --from at most --to (the kernel's check), but got '--from 10 --to 5' [DFW106]")]
    [InlineData("filter", "-A USER -m string --hex-string \"|41\" --algo bm", "t:4:32: error: expected a string of 1-128 bytes, hex bytes between '|' (|41 42|), but got '|41' [DFW106]")]
    [InlineData("filter", "-A INPUT -j SYNPROXY", "t:4:13: error: expected -p tcp before -j SYNPROXY (the kernel's check), but got 'no -p' [DFW106]")]
    [InlineData("filter", "-A USER -m owner --suppl-groups --gid-owner 0", "t:4:12: error: expected --gid-owner before --suppl-groups, but got '--suppl-groups' [DFW106]")]
    [InlineData("filter", "-A USER -m owner --uid-owner 5:1", "t:4:12: error: expected --uid-owner ID or FIRST-LAST with FIRST <= LAST <= 4294967294, but got '5:1' [DFW106]")]
    public void What_restore_refuses_is_refused_with_its_reason(string table, string line, string message) =>
        FailsWithMessage(line, message, table: table);

    [Theory]
    [InlineData("-A USER -j CT --ctevents new,,related", "t:4:26: error: expected conntrack events (new,related,destroy,reply,assured,protoinfo,helper,mark,natseqinfo,secmark), but got 'new,,related' [DFW106]")]
    [InlineData("-A USER -j CT --ctevents NEW", "t:4:26: error: expected conntrack events (new,related,destroy,reply,assured,protoinfo,helper,mark,natseqinfo,secmark), but got 'NEW' [DFW106]")]
    [InlineData("-A USER -j CT --expevents related", "t:4:27: error: expected expectation events (new), but got 'related' [DFW106]")]
    public void Conntrack_events_are_the_libraries_words(string line, string message)
    {
        var result = IptablesSaveReader.Read($"*raw\n:PREROUTING ACCEPT [0:0]\n:USER - [0:0]\n{line}\nCOMMIT\n", "t");
        Assert.Equal([message], result.Errors.Select(d => d.Render()));
    }

    [Theory]
    // Forms the libraries take though they look wrong: a weekday number above 7, a month day cut to two
    // characters, an empty time field, a 32-bit year that wraps, a DSCP class followed by more, empty
    // hashlimit modes and flag items (strtok skips them), set directions that begin with src or dst.
    [InlineData("-A USER -m time --weekdays 9,Monday")]
    [InlineData("-A USER -m time --monthdays 123,0")]
    [InlineData("-A USER -m time --timestart 10: --timestop :30")]
    [InlineData("-A USER -m time --datestart 4294969266 --datestop 2038-12-31T23:59:59")]
    [InlineData("-A USER -m time --timestart 10:00 --timestop 09:00 --contiguous")]
    [InlineData("-A USER -m dscp --dscp-class af111")]
    [InlineData("-A USER -m hashlimit --hashlimit-upto 5x --hashlimit-burst 5k --hashlimit-mode srcip,,dstport --hashlimit-name h")]
    [InlineData("-A USER -m hashlimit --hashlimit-upto 10kb/s --hashlimit-burst 50k --hashlimit-name h")]
    [InlineData("-A USER -p tcp -m tcp --tcp-flags SYN,,ACK SYN,")]
    [InlineData("-A USER -m set ! --match-set s1 srcx,dstfoo")]
    [InlineData("-A USER -j SET --add-set s1 srcx --timeout 010 --exist --exist")]
    [InlineData("-A USER -m string --hex-string \"a|41 42|b\" --algo bm")]
    [InlineData("-A USER -m owner --gid-owner 0 --suppl-groups --uid-owner 1-5")]
    [InlineData("-A USER -m connlimit --connlimit-above 5 --connlimit-mask 33")]
    [InlineData("-A USER ! -i br-dummy -o fe80::/10 -j DROP")]
    public void Forms_restore_loads_are_read(string line) => Assert.Empty(Read(line).Errors);
}
