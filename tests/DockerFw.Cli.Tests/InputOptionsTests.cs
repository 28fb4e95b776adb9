using System.CommandLine;
using DockerFw.Cli.Input;

namespace DockerFw.Cli.Tests;

public sealed class InputOptionsTests
{
    private static InputOptions Bind(params string[] args)
    {
        var set = new InputOptionSet();
        var command = new Command("test");
        set.AddTo(command);
        var parsed = command.Parse(args);
        Assert.Empty(parsed.Errors);
        return set.Bind(parsed);
    }

    [Fact]
    public void No_ruleset_file_means_live_mode()
    {
        var options = Bind();

        Assert.True(options.IsLive);
        Assert.Null(options.Netns);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Docker_files_alone_still_read_the_rules_live()
    {
        var options = Bind("--docker", "networks.json", "--netns", "lab");

        Assert.True(options.IsLive);
        Assert.Equal("lab", options.Netns);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Every_input_option_is_folded_into_the_record_and_docker_is_repeatable()
    {
        var options = Bind("--iptables", "-", "--ip6tables", "v6.txt", "--nft", "nft.json",
            "--docker", "networks.json", "--docker", "containers.json");

        Assert.Equal("-", options.Iptables);
        Assert.Equal("v6.txt", options.Ip6tables);
        Assert.Equal("nft.json", options.Nft);
        Assert.Equal(["networks.json", "containers.json"], options.Docker.ToArray());
        Assert.False(options.IsLive);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void A_namespace_together_with_a_dump_file_is_a_usage_error()
    {
        var errors = Bind("--iptables", "dump.txt", "--netns", "lab").Validate();

        Assert.Equal(["--netns reads a live namespace; it cannot be combined with --iptables, --ip6tables or --nft"], errors.ToArray());
    }

    [Fact]
    public void Only_one_input_can_come_from_stdin()
    {
        var errors = Bind("--iptables", "-", "--ip6tables", "-").Validate();

        Assert.Equal(["only one input can be read from stdin ('-')"], errors.ToArray());
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void A_namespace_name_with_a_path_in_it_is_refused(string name)
    {
        var errors = Bind("--netns", name).Validate();

        Assert.Equal([$"--netns '{name}' is not a network namespace name"], errors.ToArray());
    }
}
