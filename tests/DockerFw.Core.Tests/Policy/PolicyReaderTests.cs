using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;

namespace DockerFw.Tests.Policy;

public sealed class PolicyReaderTests
{
    [Fact]
    public void A_network_block_holds_icc_masquerade_and_container_exceptions()
    {
        var document = Parse("""
            network backend {
              icc off;
              masquerade on
              allow api -> db tcp/5432;
            }
            """);

        var block = Assert.IsType<NetworkBlock>(Assert.Single(document.Statements));
        Assert.Equal("backend", block.Network.Text);
        Assert.False(block.Icc!.On);
        Assert.True(block.Masquerade!.On);
        var allow = Assert.Single(block.Allows);
        Assert.Equal(("api", "db", "tcp/5432"), (allow.From.Text, allow.To.Text, allow.Port!.ToString()));
        Assert.Equal((4, 3), (allow.At.Line, allow.At.Column));
    }

    [Fact]
    public void A_top_level_allow_without_a_port_allows_all_traffic_between_two_networks()
    {
        var allow = Assert.IsType<AllowStatement>(Assert.Single(Parse("allow frontend -> backend").Statements));

        Assert.Null(allow.Port);
        Assert.Equal(("frontend", "backend"), (allow.From.Text, allow.To.Text));
    }

    [Fact]
    public void Names_may_hold_dashes_dots_and_underscores_and_sit_against_the_arrow()
    {
        var allow = Assert.IsType<AllowStatement>(Assert.Single(Parse("allow my-app_1.net->db-net udp/53-54").Statements));

        Assert.Equal(("my-app_1.net", "db-net"), (allow.From.Text, allow.To.Text));
        Assert.Equal(new PortRange(53, 54), allow.Port!.Ports);
        Assert.Equal("udp", allow.Port.Protocol.Name);
    }

    [Fact]
    public void Publish_restricts_a_port_to_host_addresses_or_to_sources()
    {
        var document = Parse("""
            publish web tcp/8080 on 127.0.0.1
            publish web tcp/8443 from 192.0.2.0/24, 2001:db8::/32;
            """);

        var on = Assert.IsType<PublishStatement>(document.Statements[0]);
        var from = Assert.IsType<PublishStatement>(document.Statements[1]);
        Assert.Equal(PublishRestriction.OnHostAddresses, on.Restriction);
        Assert.Equal("127.0.0.1/32", Assert.Single(on.Addresses).ToString());
        Assert.Equal(PublishRestriction.FromSources, from.Restriction);
        Assert.Equal(["192.0.2.0/24", "2001:db8::/32"], from.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void Docker_user_default_and_comments_anywhere()
    {
        var document = Parse("""
            # what DOCKER-USER does with the rest
            docker-user default drop # after the policy's own rules
            """);

        Assert.Equal(DockerUserDefault.Drop, Assert.IsType<DockerUserStatement>(Assert.Single(document.Statements)).Default);
    }

    [Fact]
    public void An_empty_policy_is_isolation_only()
    {
        Assert.Empty(Parse("# nothing but the default\n").Statements);
    }

    [Theory]
    [InlineData("alow a -> b", "p.policy:1:1: error: expected 'allow', 'network', 'publish' or 'docker-user', but got 'alow' [DFW801]")]
    [InlineData("allow a => b", "p.policy:1:9: error: expected '->', but got '=>' [DFW801]")]
    [InlineData("allow a -> b tcp/70000", "p.policy:1:18: error: expected a port or a range FIRST-LAST of ports 1-65535, but got '70000' [DFW801]")]
    [InlineData("allow a -> b icmp/1", "p.policy:1:14: error: expected 'allow', 'network', 'publish' or 'docker-user', but got 'icmp/1' [DFW801]")]
    [InlineData("network backend {\n  icc maybe;\n}", "p.policy:2:7: error: expected 'on' or 'off', but got 'maybe' [DFW801]")]
    [InlineData("network backend {\n  icc off;\n", "p.policy:3:1: error: expected '}', 'allow', 'link', 'icc' or 'masquerade', but got the end of the file [DFW801]")]
    [InlineData("publish web tcp/80 on 300.1.1.1", "p.policy:1:23: error: expected an IPv4 or IPv6 address or CIDR, but got '300.1.1.1' [DFW801]")]
    [InlineData("docker-user default reject", "p.policy:1:21: error: expected 'return', 'accept' or 'drop', but got 'reject' [DFW801]")]
    public void A_syntax_error_says_where_what_was_expected_and_what_came(string text, string message)
    {
        var result = PolicyReader.Read(text, "p.policy");

        Assert.Null(result.Value);
        Assert.Equal(message, Assert.Single(result.Diagnostics).Render());
    }

    [Theory]
    [MemberData(nameof(ExamplePolicies))]
    public void Every_example_policy_in_rules_parses(string file)
    {
        var result = PolicyReader.Read(File.ReadAllText(file), file);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    public static TheoryData<string> ExamplePolicies() =>
        new(Directory.GetFiles(Path.Combine(Corpus.RepoRoot, "rules"), "*.policy").Order(StringComparer.Ordinal));

    private static PolicyDocument Parse(string text)
    {
        var result = PolicyReader.Read(text, "p.policy");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Value!;
    }
}
