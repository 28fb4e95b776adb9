using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockerFw.Cli.Commands;
using DockerFw.Cli.Composition;
using DockerFw.Cli.Live;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Plugin;

/// <summary>
/// dockerfw as a Docker CLI plugin, <c>docker fw ...</c> (docs/extend/cli_plugins.md of docker/cli):
/// the binary is named <c>docker-fw</c>; the docker CLI asks it for its metadata, runs it as
/// <c>docker-fw [GLOBAL OPTIONS] fw ARGS</c> and asks it for completions with <c>__complete</c>. The
/// Engine it audits is the one docker would talk to (<c>-H</c>, <c>--context</c>, <c>DOCKER_HOST</c>).
/// </summary>
internal static class DockerCliPlugin
{
    public const string MetadataCommand = "docker-cli-plugin-metadata";

    /// <summary>
    /// Whether this run is the docker CLI's: asked for metadata or completions, started under the
    /// name docker-fw, with the variable newer docker CLIs set for every plugin they run, or with
    /// docker's global options and the plugin's name first. The last is what tells an older docker
    /// CLI's run (Debian's 20.10 sets no variable) once docker-fw is a link to dockerfw: the process's
    /// path is the link's target, so its name says nothing. Native/fmt_exec.c asks the same of a run
    /// whose first word is fmt before handing it to the fmt-only executable.
    /// </summary>
    public static bool IsInvocation(string[] args, string? processPath, Func<string, string?> environment) =>
        args is [MetadataCommand] || (args is ["__complete", ..] && IsPluginBinary(processPath))
        || IsPluginBinary(processPath) || environment("DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND") is not null
        || DockerGlobalOptions.NamesPlugin(args);

    private static bool IsPluginBinary(string? processPath) => Path.GetFileName(processPath) == "docker-fw";

    public static int Run(string[] args, StandardStreams streams, Func<string, string?> environment, Action<string, string> setEnvironment)
    {
        if (args is [MetadataCommand])
        {
            // A JsonObject, not JsonSerializer: serializing a type by reflection is unavailable in the native build.
            streams.Out.WriteLine(new JsonObject
            {
                ["SchemaVersion"] = "0.1.0",
                ["Vendor"] = "dockerfw",
                ["Version"] = RootCommandFactory.Version,
                ["ShortDescription"] = "Audit and manage the firewall of this Docker host",
                // Where the package puts the documentation; dockerfw has no web site of its own.
                ["URL"] = "file:///usr/share/doc/dockerfw/README.md",
            }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return ExitCodes.Ok;
        }

        if (args is ["__complete", .. var words]) return Complete(words, streams);

        var (options, error) = DockerGlobalOptions.Parse(args);
        if (options is null)
        {
            streams.Error.WriteLine($"dockerfw: usage: {error}");
            return ExitCodes.Usage;
        }

        var (host, contextError) = DockerContexts.Resolve(options, environment);
        if (contextError is not null)
        {
            streams.Error.WriteLine($"dockerfw: error: {contextError}");
            return ExitCodes.Error;
        }

        if (host is not null)
        {
            // dockerfw reads DOCKER_HOST when no --docker-host is given: the Engine docker chose.
            if (DockerEngineAddress.Check(host) is { } notUnix)
            {
                streams.Error.WriteLine($"dockerfw: error: {notUnix.Replace("--docker-host", "the docker CLI's Engine", StringComparison.Ordinal)}");
                return ExitCodes.Error;
            }

            setEnvironment("DOCKER_HOST", host);
        }

        return DockerFwApp.Run([.. options.Rest], streams);
    }

    /// <summary>The docker CLI's completion request: the words after its global options, answered as for dockerfw.</summary>
    private static int Complete(string[] words, StandardStreams streams)
    {
        var (options, _) = DockerGlobalOptions.Parse(words);
        using var provider = new ServiceCollection().AddDockerFwCli(streams).BuildServiceProvider();
        var root = provider.GetRequiredService<RootCommandFactory>().Create();
        return Completion.Completions.Write(root, options?.Rest.ToArray() ?? [], streams.Out);
    }
}
