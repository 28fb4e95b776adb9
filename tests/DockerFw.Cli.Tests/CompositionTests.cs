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
