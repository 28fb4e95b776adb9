using DockerFw.Cli.Commands;
using DockerFw.Cli.Composition;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests;

/// <summary>
/// The container's registrations are checked here rather than on every run (DockerFwApp.Container:
/// the check reflects over every constructor, which the native build pays at each start).
/// </summary>
public sealed class CompositionTests
{
    [Fact]
    public void Every_registered_service_can_be_built_with_what_is_registered()
    {
        var streams = new StandardStreams(new StringReader(""), new StringWriter(), new StringWriter());

        using var provider = new ServiceCollection().AddDockerFwCli(streams)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var root = provider.GetRequiredService<RootCommandFactory>().Create();
        Assert.Contains(root.Subcommands, command => command.Name == "fmt");
    }

    [Fact]
    public void Every_command_is_registered_under_the_name_it_is_typed_as()
    {
        var streams = new StandardStreams(new StringReader(""), new StringWriter(), new StringWriter());
        using var provider = new ServiceCollection().AddDockerFwCli(streams).BuildServiceProvider();

        var names = provider.GetServices<CliCommandName>().Select(n => n.Name).ToList();

        Assert.Contains("fmt", names);
        Assert.Equal(names.Distinct().Count(), names.Count);
        foreach (var name in names)
            Assert.Equal(name, provider.GetRequiredKeyedService<ICliCommand>(name).Create().Name);
    }

    [Theory]
    [InlineData("fmt", "x.txt")]
    [InlineData("audit", "--help")]
    [InlineData("reach")]
    public void A_run_that_names_a_command_builds_that_command_alone(params string[] args)
    {
        var streams = new StandardStreams(new StringReader(""), new StringWriter(), new StringWriter());
        using var provider = new ServiceCollection().AddDockerFwCli(streams).BuildServiceProvider();

        var root = provider.GetRequiredService<RootCommandFactory>().Create(args);

        Assert.Equal([args[0]], root.Subcommands.Select(c => c.Name));
    }

    [Theory]
    [InlineData(false, "fmt", "x.txt")]
    [InlineData(false, "fmt", "--strict", "-")]
    [InlineData(true, "fmt", "--help")]
    [InlineData(true, "fmt", "-h")]
    [InlineData(true, "fmt", "--version")]
    [InlineData(true, "fmt", "@more-arguments.rsp")]
    [InlineData(true, "--version")]
    [InlineData(true)]
    public void The_help_and_version_options_are_built_only_when_a_word_of_the_run_may_name_them(bool built, params string[] args)
    {
        var streams = new StandardStreams(new StringReader(""), new StringWriter(), new StringWriter());
        using var provider = new ServiceCollection().AddDockerFwCli(streams).BuildServiceProvider();

        var root = provider.GetRequiredService<RootCommandFactory>().Create(args);

        Assert.Equal(built ? ["--help", "--version"] : [], root.Options.Select(o => o.Name));
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("fm")]
    [InlineData("__complete", "fmt", "")]
    public void A_run_that_names_no_command_builds_every_command(params string[] args)
    {
        var streams = new StandardStreams(new StringReader(""), new StringWriter(), new StringWriter());
        using var provider = new ServiceCollection().AddDockerFwCli(streams).BuildServiceProvider();

        var root = provider.GetRequiredService<RootCommandFactory>().Create(args);

        Assert.Equal(provider.GetServices<CliCommandName>().Select(n => n.Name).Order(StringComparer.Ordinal), root.Subcommands.Select(c => c.Name));
    }

    [Fact]
    public void A_service_whose_dependency_is_not_registered_fails_the_check()
    {
        var streams = new StandardStreams(new StringReader(""), new StringWriter(), new StringWriter());
        var services = new ServiceCollection().AddDockerFwCli(streams);
        services.Remove(services.Single(s => s.ServiceType == typeof(Input.DumpLoader)));

        var failure = Assert.Throws<AggregateException>(() =>
            services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));

        Assert.Contains(nameof(Input.DumpLoader), failure.Message, StringComparison.Ordinal);
    }
}
