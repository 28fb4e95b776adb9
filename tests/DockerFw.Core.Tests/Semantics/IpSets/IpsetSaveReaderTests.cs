using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics.IpSets;

public sealed class IpsetSaveReaderTests
{
    // What `ipset save` printed (ipset 7.17, Debian) after the sets were made with the ipset tool.
    private const string Listing = """
        create blk hash:ip family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xdda5ca32
        add blk 10.1.2.4
        add blk 10.1.2.3
        create nets hash:net family inet6 hashsize 1024 maxelem 65536 bucketsize 12 initval 0x72eff9fb
        add nets fd00::/64
        create nm hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x50f73571
        add nm 10.0.0.0/8
        add nm 10.1.0.0/16 nomatch
        create bm bitmap:ip range 192.168.0.0-192.168.0.255
        add bm 192.168.0.7
        create to hash:ip family inet hashsize 1024 maxelem 65536 timeout 300 bucketsize 12 initval 0x98d364d0
        add to 1.1.1.1 timeout 299
        create ipp hash:ip,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x93e03bc9
        add ipp 1.2.3.4,tcp:80
        create ifs hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x93e03bca
        add ifs 10.0.0.0/8,eth0
        create cnt hash:ip family inet hashsize 1024 maxelem 65536 counters comment bucketsize 12 initval 0xdc0e98dc
        add cnt 9.9.9.9 packets 0 bytes 0 comment "x y nomatch"
        create lst list:set size 8
        add lst blk

        """;

    private static readonly IpSetListing Read = IpsetSaveReader.Read(Listing, "ipset.save").Value!;

    private static string[] MembersOf(IpSetListing listing, string name) => [.. listing.Members[name].Addresses.Select(m => m.ToString())];

    [Fact]
    public void A_set_that_tests_one_address_is_read_as_the_addresses_it_matches()
    {
        Assert.Equal(["10.1.2.4/32", "10.1.2.3/32"], MembersOf(Read, "blk"));
        Assert.Equal(["fd00::/64"], MembersOf(Read, "nets"));
        Assert.Equal(["192.168.0.7/32"], MembersOf(Read, "bm"));
        Assert.Equal(["1.1.1.1/32"], MembersOf(Read, "to"));
        // A comment's words are not options, whatever they say.
        Assert.Equal(["9.9.9.9/32"], MembersOf(Read, "cnt"));
    }

    [Fact]
    public void A_nomatch_entry_takes_its_addresses_out_of_the_shorter_prefix_around_it()
    {
        Assert.Equal(["10.0.0.0/16", "10.2.0.0/15", "10.4.0.0/14", "10.8.0.0/13", "10.16.0.0/12", "10.32.0.0/11", "10.64.0.0/10", "10.128.0.0/9"],
            MembersOf(Read, "nm"));
    }

    [Fact]
    public void The_longest_prefix_that_holds_an_address_decides_as_in_ipsets_own_nethash_tests()
    {
        var listing = IpsetSaveReader.Read("""
            create t hash:net family inet
            add t 1.1.1.0/26
            add t 1.1.1.0/28 nomatch
            add t 1.1.1.0/30
            add t 1.1.1.1 nomatch
            """, "t.save").Value!;

        Assert.Equal(["1.1.1.0/32", "1.1.1.2/31", "1.1.1.16/28", "1.1.1.32/27"], MembersOf(listing, "t"));
    }

    [Fact]
    public void A_netmask_makes_each_member_stand_for_its_network_and_a_range_becomes_the_fewest_prefixes()
    {
        var listing = IpsetSaveReader.Read("""
            create masked hash:ip family inet netmask 24
            add masked 10.9.8.7
            create ranged hash:net family inet
            add ranged 10.0.0.1-10.0.0.6
            create all6 hash:net family inet6
            add all6 ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
            """, "t.save").Value!;

        Assert.Equal(["10.9.8.0/24"], MembersOf(listing, "masked"));
        Assert.Equal(["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"], MembersOf(listing, "ranged"));
        Assert.Equal(["::/0"], MembersOf(listing, "all6"));
    }

    [Fact]
    public void A_list_of_sets_that_test_one_address_matches_the_addresses_of_any_of_them()
    {
        // The kernel tries a list's members in turn and the first that holds the packet matches: both
        // matches either family's addresses. mixed holds a set of an address and a port too, and
        // matches what either holds; odd holds a set of a type that is not read: so is what odd matches.
        var listing = IpsetSaveReader.Read("""
            create v4 hash:ip family inet
            add v4 10.1.2.3
            create v6 hash:net family inet6
            add v6 fd00::/64
            create pair hash:ip,port family inet
            add pair 1.2.3.4,tcp:80
            create both list:set size 8
            add both v4
            add both v6 after v4
            create mixed list:set size 8
            add mixed v4
            add mixed pair
            create ifs hash:net,iface family inet
            add ifs 10.0.0.0/8,eth0
            create odd list:set size 8
            add odd v4
            add odd ifs
            """, "t.save").Value!;

        Assert.Equal(["10.1.2.3/32", "fd00::/64"], MembersOf(listing, "both"));
        Assert.Equal(["10.1.2.3/32"], MembersOf(listing, "mixed"));
        var pair = Assert.Single(listing.Members["mixed"].Tuples);
        Assert.Equal([new TupleValue(0x01020304, 0x01020304), new TupleValue(80, 80) { Protocol = Protocol.Tcp }], pair.Elements.Single().Values.ToArray());
        Assert.Equal([("ifs", "hash:net,iface"), ("odd", "list:set")], listing.Unread.ToArray());
    }

    [Fact]
    public void A_list_that_holds_a_set_the_rules_change_is_left_unknown_too()
    {
        var rules = IptablesSaveReader.Read("""
            *filter
            :INPUT ACCEPT [0:0]
            -A INPUT -p tcp --dport 22 -j SET --add-set blk src
            COMMIT
            """, "rules", IpFamily.V4).Value!;

        var known = Read.WithoutSetsChangedBy([rules]);

        Assert.DoesNotContain("lst", known.Members.Keys);
        Assert.Equal(["10.1.2.4/32", "10.1.2.3/32"], MembersOf(Read, "lst"));
    }

    [Fact]
    public void Sets_of_other_types_are_named_unread_and_expiring_ones_named_timed()
    {
        Assert.Equal([("ifs", "hash:net,iface")], Read.Unread.ToArray());
        Assert.DoesNotContain("ifs", Read.Members.Keys);
        Assert.Equal(["to"], Read.Timed.ToArray());
    }

    [Fact]
    public void A_set_the_rules_add_to_or_delete_from_is_left_unknown()
    {
        var rules = IptablesSaveReader.Read("""
            *filter
            :INPUT ACCEPT [0:0]
            -A INPUT -p tcp --dport 22 -j SET --add-set blk src
            COMMIT
            """, "rules", IpFamily.V4).Value!;

        var known = Read.WithoutSetsChangedBy([rules]);

        Assert.DoesNotContain("blk", known.Members.Keys);
        Assert.Contains("nets", known.Members.Keys);
    }

    [Theory]
    [InlineData("flush blk", "s.save:1:1: error: expected 'create NAME TYPE ...' or 'add NAME ELEMENT ...', the lines of 'ipset save' [DFW185]")]
    [InlineData("add blk 10.0.0.1", "s.save:1:5: error: expected a set created before its members, but 'blk' was not [DFW185]")]
    [InlineData("create blk hash:ip family inet\nadd blk 10.0.0.300", "s.save:2:9: error: expected an address, a prefix or a range of the set's family (inet), but got '10.0.0.300' [DFW185]")]
    [InlineData("create blk hash:ip family ipx", "s.save:1:27: error: expected the family inet or inet6 [DFW185]")]
    [InlineData("create blk hash:ip\ncreate blk hash:net", "s.save:2:8: error: expected each set created once, but 'blk' is created again [DFW185]")]
    public void A_line_ipset_save_does_not_print_is_an_error_at_its_place(string text, string error)
    {
        var read = IpsetSaveReader.Read(text, "s.save");

        Assert.False(read.Succeeded);
        Assert.Equal(error, Assert.Single(read.Diagnostics).Render());
    }
}
