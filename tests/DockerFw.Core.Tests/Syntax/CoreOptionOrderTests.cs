using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Text;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// The writer prints the core options in save's order (-s -d -i -o -p -f) whatever order a model
/// built by hand holds them in; the reader's models take a shorter way to the same text.
/// </summary>
public sealed class CoreOptionOrderTests
{
    private static readonly Match Source = new AddressMatch(AddressField.Source, AddressMask.FromPrefix(IpFamily.V4, 10u << 24, 8), Negated: false);
    private static readonly Match Destination = new AddressMatch(AddressField.Destination, AddressMask.FromPrefix(IpFamily.V4, 172u << 24 | 17u << 16, 16), Negated: true);
    private static readonly Match InInterface = new InterfaceMatch(Direction.In, new InterfacePattern("docker0"), Negated: false);
    private static readonly Match Tcp = new ProtocolMatch(new Protocol(Protocol.Tcp, "tcp"), Negated: false);

    private const string Expected = "-A FORWARD -s 10.0.0.0/8 ! -d 172.17.0.0/16 -i docker0 -p tcp -j ACCEPT";

    [Fact]
    public void Core_options_held_out_of_order_are_written_in_save_order()
    {
        var rule = RuleWith(new MatchBlock(null, [Tcp, InInterface, Destination, Source]));

        Assert.Equal(Expected, IptablesSaveWriter.FormatRule(rule));
    }

    [Fact]
    public void Core_options_split_over_two_core_blocks_are_all_written_in_save_order()
    {
        var rule = RuleWith(new MatchBlock(null, [Source, Tcp]), new MatchBlock(null, [Destination, InInterface]));

        Assert.Equal(Expected, IptablesSaveWriter.FormatRule(rule));
    }

    [Fact]
    public void Core_options_already_in_save_order_are_written_as_they_are()
    {
        var rule = RuleWith(new MatchBlock(null, [Source, Destination, InInterface, Tcp]));

        Assert.Equal(Expected, IptablesSaveWriter.FormatRule(rule));
    }

    [Fact]
    public void The_reader_writes_back_a_line_whose_core_options_were_out_of_order_in_save_order()
    {
        var read = IptablesSaveReader.Read("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp -i docker0 ! -d 172.17.0.0/16 -s 10.0.0.0/8 -j ACCEPT\nCOMMIT\n", "t");

        Assert.Equal(Expected, IptablesSaveWriter.FormatRule(read.Value!.Tables.Single().Chains.Single(c => c.Name == "FORWARD").Rules.Single()));
    }

    [Fact]
    public void A_read_rule_whose_blocks_are_changed_is_written_and_checked_as_it_now_stands()
    {
        // The reader's rules take a shorter way (Rule.SavesAsIs, known when the rule is made); a `with` must not keep it.
        var read = IptablesSaveReader.Read("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -s 10.0.0.0/8 -p tcp -j ACCEPT\nCOMMIT\n", "t").Value!;
        var table = read.Tables.Single();
        var forward = table.Chains.Single(c => c.Name == "FORWARD");
        var reordered = forward.Rules.Single() with { Blocks = [new MatchBlock(null, [Tcp, InInterface, Destination, Source])] };
        var repeated = forward.Rules.Single() with { Blocks = [new MatchBlock(null, [Tcp]), new MatchBlock(null, [Tcp])] };
        var ruleset = read with { Tables = [table with { Chains = table.Chains.Replace(forward, forward with { Rules = [reordered, repeated] }) }] };

        Assert.Equal(Expected, IptablesSaveWriter.FormatRule(reordered));
        Assert.Contains("'-p tcp -p tcp' has no iptables form", Assert.Single(IptablesSaveWriter.Unrestorable(ruleset)).Message, StringComparison.Ordinal);
    }

    private static Rule RuleWith(params MatchBlock[] blocks) =>
        new("FORWARD", 1, SourceSpan.None, null, [.. blocks], new VerdictTarget(Verdict.Accept));
}
