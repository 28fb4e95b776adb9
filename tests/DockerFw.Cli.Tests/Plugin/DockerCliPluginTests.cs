using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DockerFw.Cli.Plugin;

namespace DockerFw.Cli.Tests.Plugin;

/// <summary>dockerfw as the docker CLI plugin docker-fw: metadata, global options, the Engine docker would use.</summary>
public sealed class DockerCliPluginTests
{
    private static (int Exit, string Out, string Error, Dictionary<string, string> Set) Run(string[] args, Dictionary<string, string>? environment = null)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var set = new Dictionary<string, string>();
        var exit = DockerCliPlugin.Run(args, new StandardStreams(new StringReader(""), output, error),
            name => environment?.GetValueOrDefault(name), (name, value) => set[name] = value);
        return (exit, output.ToString(), error.ToString(), set);
    }

    [Fact]
    public void The_metadata_is_the_JSON_object_the_docker_CLI_asks_for_and_nothing_else()
    {
        var (exit, output, error, _) = Run([DockerCliPlugin.MetadataCommand]);

        Assert.Equal((0, ""), (exit, error));
        var metadata = JsonDocument.Parse(output).RootElement;
        Assert.Equal("0.1.0", metadata.GetProperty("SchemaVersion").GetString());
        Assert.Equal(["SchemaVersion", "Vendor", "Version", "ShortDescription", "URL"], metadata.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData(new[] { "docker-cli-plugin-metadata" }, null, null, true)]
    [InlineData(new[] { "audit" }, "/usr/libexec/docker/cli-plugins/docker-fw", null, true)]
    [InlineData(new[] { "-H", "unix:///x", "fw", "audit" }, "/usr/bin/dotnet", "docker -H unix:///x fw audit", true)]
    [InlineData(new[] { "audit" }, "/usr/bin/dockerfw", null, false)]
    // An older docker CLI sets no variable, and a docker-fw link resolves to lib/dockerfw: the words tell.
    [InlineData(new[] { "fw", "audit" }, "/usr/lib/dockerfw/dockerfw", null, true)]
    [InlineData(new[] { "-H", "unix:///x", "--tls", "--log-level=debug", "fw", "reach" }, "/usr/lib/dockerfw/dockerfw", null, true)]
    [InlineData(new[] { "audit", "--iptables", "fw" }, "/usr/lib/dockerfw/dockerfw", null, false)]
    [InlineData(new[] { "--help" }, "/usr/lib/dockerfw/dockerfw", null, false)]
    public void A_run_is_the_plugin_s_when_the_docker_CLI_started_it(string[] args, string? processPath, string? original, bool plugin) =>
        Assert.Equal(plugin, DockerCliPlugin.IsInvocation(args, processPath, name => name == "DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND" ? original : null));

    [Theory]
    [InlineData(new[] { "-H", "unix:///run/a.sock", "fw", "audit", "-H" }, "unix:///run/a.sock", null, new[] { "audit", "-H" })]
    [InlineData(new[] { "--host=unix:///run/b.sock", "-D", "--log-level", "debug", "fw" }, "unix:///run/b.sock", null, new string[0])]
    [InlineData(new[] { "--context", "prod", "--tls", "fw", "reach", "--src", "10.0.0.1" }, null, "prod", new[] { "reach", "--src", "10.0.0.1" })]
    public void Docker_s_global_options_before_the_plugin_name_are_docker_s_the_rest_is_dockerfw_s(string[] args, string? host, string? context, string[] rest)
    {
        var (options, error) = DockerGlobalOptions.Parse(args);

        Assert.Null(error);
        Assert.Equal((host, context), (options!.Host, options.Context));
        Assert.Equal(rest, options.Rest);
    }

    [Fact]
    public void A_context_s_endpoint_is_read_from_the_docker_CLI_s_context_store()
    {
        var config = Directory.CreateTempSubdirectory("dfw-docker-config-").FullName;
        try
        {
            var meta = Directory.CreateDirectory(Path.Combine(config, "contexts", "meta", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("lab"))))).FullName;
            File.WriteAllText(Path.Combine(meta, "meta.json"), """{"Name":"lab","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///run/lab.sock","SkipTLSVerify":false}}}""");
            File.WriteAllText(Path.Combine(config, "config.json"), """{"currentContext":"lab"}""");

            Assert.Equal(("unix:///run/lab.sock", null), DockerContexts.Resolve(new DockerGlobalOptions(null, "lab", config, []), _ => null));
            // No option: DOCKER_HOST, then DOCKER_CONTEXT, then the config's current context.
            Assert.Equal(("unix:///run/env.sock", null), DockerContexts.Resolve(new DockerGlobalOptions(null, null, config, []), n => n == "DOCKER_HOST" ? "unix:///run/env.sock" : null));
            Assert.Equal(("unix:///run/lab.sock", null), DockerContexts.Resolve(new DockerGlobalOptions(null, null, config, []), _ => null));
            Assert.Equal((null, null), DockerContexts.Resolve(new DockerGlobalOptions(null, "default", config, []), _ => null));
            Assert.StartsWith("docker context 'gone' is not known to the docker CLI", DockerContexts.Resolve(new DockerGlobalOptions(null, "gone", config, []), _ => null).Error);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    [Fact]
    public void The_engine_docker_names_is_handed_on_as_DOCKER_HOST_and_a_TCP_one_is_refused()
    {
        var (exit, _, _, set) = Run(["-H", "unix:///run/nowhere.sock", "fw", "--version"]);
        Assert.Equal(0, exit);
        Assert.Equal("unix:///run/nowhere.sock", set["DOCKER_HOST"]);

        var tcp = Run(["-H", "tcp://10.0.0.1:2375", "fw", "audit"]);
        Assert.Equal(2, tcp.Exit);
        Assert.Contains("is not a unix socket address", tcp.Error);
    }
}
