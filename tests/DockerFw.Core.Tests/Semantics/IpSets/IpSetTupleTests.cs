using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Tests.Semantics.IpSets;

/// <summary>
/// Sets whose members are tuples (hash:ip,port, hash:net,port, hash:ip,port,ip, hash:ip,port,net)
/// decided by both engines: a match reads one direction per part, the most specific net decides
/// (a <c>nomatch</c> there says no), <c>--return-nomatch</c> turns that round, a match with fewer
/// directions than the set has parts never holds, and the counter updates change nothing. What the
/// kernel does with the same sets is IpSetKernelTests' (tests/DockerFw.Kernel.Tests).
/// </summary>
public sealed class IpSetTupleTests
{
    // As `ipset save` prints them (ipset 7.17): ports with their protocol, nets as prefixes.
    private const string Listing = """
        create blk hash:ip,port family inet hashsize 1024 maxelem 65536 timeout 600
        add blk 10.0.0.1,tcp:22 timeout 590
        add blk 10.0.0.1,udp:53 timeout 590
        add blk 10.0.0.3,gre:0
        create nets hash:net,port family inet hashsize 1024 maxelem 65536
        add nets 10.0.0.0/8,tcp:22
        add nets 10.1.0.0/16,tcp:22 nomatch
        add nets 10.1.2.0/24,tcp:22
        create trio hash:ip,port,ip family inet hashsize 1024 maxelem 65536
        add trio 10.0.0.1,tcp:80,172.17.0.2
        create lst list:set size 8
        add lst blk

        """;

    private static TraceResult TraceThrough(string match, Packet packet) =>
        PacketTracer.Trace(Rules(match), packet, PacketPath.Forward, Context);

    private static ReachRegion RegionOf(string match, Packet packet) =>
        SymbolicEngine.Reach(SymbolicRuleset.Compile(Rules(match), null, Context), new ReachQuery(PacketPath.Forward)).RegionOf(packet)!;

    private static EvaluationContext Context => new() { IpSets = IpsetSaveReader.Read(Listing, "ipset.save").Value!.Members };

    private static DockerFw.Core.Model.Ruleset Rules(string match) => Dump.Read($"""
        *filter
        :FORWARD ACCEPT [0:0]
        -A FORWARD {match} -j DROP
        COMMIT
        """);

    // Both engines, certain and agreeing: the verdict the rule gives the packet.
    private static PacketVerdict Fate(string match, Packet packet)
    {
        packet = packet with { InInterface = "eth0", OutInterface = "eth1" };
        var traced = TraceThrough(match, packet);
        var region = RegionOf(match, packet);
        Assert.True(traced.Certain, $"{match}: the trace is in doubt: {string.Join("; ", traced.Doubts.Select(d => d.Reason))}");
        Assert.Empty(region.Doubts);
        Assert.Equal(traced.Verdict == PacketVerdict.Drop ? ReachVerdict.Drop : ReachVerdict.Accept, region.Verdict);
        return traced.Verdict!.Value;
    }

    [Theory]
    [InlineData("10.0.0.1:40000", "10.0.0.2:22", "tcp", PacketVerdict.Drop)]
    [InlineData("10.0.0.1:40000", "10.0.0.2:80", "tcp", PacketVerdict.Accept)]
    [InlineData("10.0.0.1:40000", "10.0.0.2:22", "udp", PacketVerdict.Accept)]
    [InlineData("10.0.0.1:40000", "10.0.0.2:53", "udp", PacketVerdict.Drop)]
    [InlineData("10.0.0.2:40000", "10.0.0.9:22", "tcp", PacketVerdict.Accept)]
    public void A_match_reads_the_source_address_and_the_destination_port_of_an_address_and_port_set(string from, string to, string protocol, PacketVerdict fate)
    {
        var packet = protocol == "tcp" ? Tcp(from, to) : Udp(from, to);

        Assert.Equal(fate, Fate("-m set --match-set blk src,dst", packet));
        // A list holding the set matches what the set does; the counter updates change nothing.
        Assert.Equal(fate, Fate("-m set --match-set lst src,dst ! --update-counters", packet));
    }

    [Fact]
    public void A_protocol_without_ports_is_read_as_port_0_and_a_match_with_too_few_directions_never_holds()
    {
        var gre = new Packet(IpFamily.V4, Ip("10.0.0.3"), Ip("10.0.0.9"), Protocol.Gre);

        Assert.Equal(PacketVerdict.Drop, Fate("-m set --match-set blk src,dst", gre));
        Assert.Equal(PacketVerdict.Accept, Fate("-m set --match-set blk src", Tcp("10.0.0.1:40000", "10.0.0.2:22")));
        Assert.Equal(PacketVerdict.Drop, Fate("-m set ! --match-set blk src", Tcp("10.0.0.1:40000", "10.0.0.2:22")));
    }

    [Theory]
    [InlineData("10.1.2.3", PacketVerdict.Drop, PacketVerdict.Accept)]
    [InlineData("10.1.3.3", PacketVerdict.Accept, PacketVerdict.Drop)]
    [InlineData("10.2.0.1", PacketVerdict.Drop, PacketVerdict.Accept)]
    [InlineData("11.0.0.1", PacketVerdict.Accept, PacketVerdict.Accept)]
    public void The_most_specific_net_decides_and_return_nomatch_matches_where_a_nomatch_element_decides(string source, PacketVerdict plain, PacketVerdict returned)
    {
        var packet = Tcp(source + ":40000", "192.0.2.1:22");

        Assert.Equal(plain, Fate("-m set --match-set nets src,dst", packet));
        Assert.Equal(returned, Fate("-m set --match-set nets src,dst --return-nomatch", packet));
    }

    [Theory]
    [InlineData("10.0.0.1:40000", "172.17.0.2:80", PacketVerdict.Drop)]
    [InlineData("10.0.0.1:40000", "172.17.0.3:80", PacketVerdict.Accept)]
    [InlineData("10.0.0.2:40000", "172.17.0.2:80", PacketVerdict.Accept)]
    public void A_third_part_reads_its_own_direction(string from, string to, PacketVerdict fate)
    {
        Assert.Equal(fate, Fate("-m set --match-set trio src,dst,dst", Tcp(from, to)));
    }

    [Fact]
    public void Reach_gives_the_set_its_exact_packets_as_boxes()
    {
        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(Rules("-m set --match-set blk src,dst"), null, Context),
            new ReachQuery(PacketPath.Forward));

        // 10.0.0.1 to tcp 22 and to udp 53, 10.0.0.3 by GRE: three boxes dropped, nothing in doubt.
        var dropped = result.Regions.Where(r => r.Verdict == ReachVerdict.Drop).SelectMany(r => r.Packets.Boxes).ToList();
        Assert.Equal(3, dropped.Count);
        Assert.DoesNotContain(result.Regions, r => r.Verdict == ReachVerdict.Maybe);
    }
}
