using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Tests.Semantics.IpSets;

/// <summary>
/// Why a rule on an ipset cannot be decided is said for the case at hand (no listing given, a set not
/// in it, one of a type whose members are not read, one the rules change), by the tracer and the
/// symbolic engine alike: never "give --ipsets" to someone who gave them.
/// </summary>
public sealed class IpSetDoubtTests
{
    // What the host's `ipset save` listed: lst holds changed, which the rules add to.
    private const string Listing = """
        create known hash:ip family inet hashsize 1024 maxelem 65536
        add known 10.0.0.9
        create pairs hash:net,iface family inet hashsize 1024 maxelem 65536
        add pairs 10.0.0.0/24,eth0
        create changed hash:ip family inet hashsize 1024 maxelem 65536
        add changed 10.0.0.5
        create lst list:set size 8
        add lst changed

        """;

    private static (string Traced, string Compiled) Doubts(string set, bool listed)
    {
        var rules = Dump.Read($"""
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -m set --match-set {set} src -j DROP
            -A FORWARD -p tcp -m tcp --dport 22 -j SET --add-set changed src
            COMMIT
            """);
        var sets = listed ? IpsetSaveReader.Read(Listing, "ipset.save").Value!.WithoutSetsChangedBy([rules]) : IpSetListing.Empty;
        var context = new EvaluationContext { IpSets = sets.Members };
        var traced = PacketTracer.Trace(rules, Tcp("10.0.0.1:40000", "10.0.0.2:80"), PacketPath.Forward, context);
        var compiled = SymbolicRuleset.Compile(rules, null, context);
        return (string.Join("; ", traced.Doubts.Select(d => d.Reason).Distinct()), string.Join("; ", compiled.Doubts.Values));
    }

    [Theory]
    [InlineData("known", false, "give the host's ipsets with --ipsets (ipset save)")]
    [InlineData("absent", true, "the set absent is not in the ipsets given")]
    [InlineData("pairs", true, "the set pairs is of type hash:net,iface, whose members are not read")]
    [InlineData("changed", true, "the rules add to or delete from changed")]
    [InlineData("lst", true, "the rules add to or delete from changed, which the list lst holds")]
    public void A_set_whose_members_are_not_known_says_why(string set, bool listed, string why)
    {
        var expected = $"the members of ipset {set} are not known: {why}";

        Assert.Equal((expected, expected), Doubts(set, listed));
    }

    [Fact]
    public void A_set_the_listing_resolves_leaves_no_doubt()
    {
        Assert.Equal(("", ""), Doubts("known", true));
    }
}
