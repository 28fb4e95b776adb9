using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Semantics.Routing;

/// <summary>
/// Both engines, given the host's routes (<see cref="EvaluationContext.Routes"/>), decide
/// <c>-t raw -A PREROUTING -m rpfilter [--loose] --invert -j DROP</c> as the routes answer
/// (<see cref="RouteReturnsTests"/>): the tracer per packet, reach per region; a source the routes
/// leave open is MAYBE in both, with the reason.
/// </summary>
public sealed class RouteReturnsEngineTests
{
    private static Ruleset Rpfilter(IpFamily family, bool loose) => Dump.Read(
        $"*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -m rpfilter{(loose ? " --loose" : "")} --invert -j DROP\nCOMMIT", family);

    private static readonly EvaluationContext Host = new() { Routes = RouteReturnsTests.Host(RouteReturnsTests.V4, RouteReturnsTests.V6) };

    public static TheoryData<string, string, bool?, bool?> Sources => RouteReturnsTests.Sources;

    [Theory]
    [MemberData(nameof(Sources))]
    public void The_tracer_and_reach_drop_what_fails_the_check_and_pass_what_passes_it(string source, string input, bool? strict, bool? loose)
    {
        var family = source.Contains(':') ? IpFamily.V6 : IpFamily.V4;
        var destination = family == IpFamily.V4 ? "198.51.100.77" : "2001:db8:77::7";
        foreach (var (isLoose, passes) in new[] { (false, strict), (true, loose) })
        {
            var ruleset = Rpfilter(family, isLoose);
            var packet = new Packet(family, Address(source, family), Address(destination, family), Protocol.Udp, 40000, 53, InInterface: input, OutInterface: "out9");
            var reach = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, null, Host), new ReachQuery(PacketPath.Forward)
            {
                In = new InterfacePattern(input), Out = new InterfacePattern("out9"), Protocol = Protocol.FromNumber(Protocol.Udp),
                Source = AddressMask.Host(family, Address(source, family)), Destination = AddressMask.Host(family, Address(destination, family)),
            });

            var trace = PacketTracer.Trace(ruleset, packet, PacketPath.Forward, Host);

            var expected = passes switch { true => ReachVerdict.Accept, false => ReachVerdict.Drop, null => ReachVerdict.Maybe };
            var form = isLoose ? "loose" : "strict";
            Assert.True(reach.Regions.All(r => r.Verdict == expected), $"{form}: reach says {string.Join(", ", reach.Regions.Select(r => r.Verdict))}, not {expected}");
            Assert.Equal(passes switch { true => PacketVerdict.Accept, false => PacketVerdict.Drop, null => (PacketVerdict?)null }, trace.Verdict);
            if (passes is null) Assert.Contains(trace.Doubts, d => d.Reason == ReversePathCheck.UndecidedByRoutes);
        }
    }

    [Fact]
    public void A_region_of_many_sources_is_cut_where_the_answer_changes()
    {
        // Every source on br0 at once: br0's subnet and the less specific 10/8 pass, br3's subnet and the
        // 10.9/16 inside 10/8 fail, 0.0.0.0/8 and multicast stay open.
        var compiled = SymbolicRuleset.Compile(Rpfilter(IpFamily.V4, loose: false), null, Host);

        var reach = SymbolicEngine.Reach(compiled, new ReachQuery(PacketPath.Forward) { In = new InterfacePattern("br0"), Out = new InterfacePattern("out9") });

        ReachVerdict VerdictOf(string source) => reach.Regions
            .Where(r => r.Packets.Boxes.Any(b => b[Dimension.Src].Contains(Address(source, IpFamily.V4)))).Select(r => r.Verdict).Distinct().Single();
        Assert.Equal(
            [ReachVerdict.Accept, ReachVerdict.Accept, ReachVerdict.Drop, ReachVerdict.Drop, ReachVerdict.Maybe, ReachVerdict.Maybe],
            new[] { "172.30.10.9", "10.200.0.1", "172.30.13.9", "10.9.0.1", "0.0.0.1", "224.0.0.5" }.Select(VerdictOf));
    }

    private static UInt128 Address(string text, IpFamily family) => IpAddressValue.Parse(text, family);
}
