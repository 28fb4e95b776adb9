using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// `docker fw` through the real docker CLI: it lists the plugin in its help, runs it with the
/// Engine its own -H and --context name, and asks it for completions.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class DockerCliPluginLabTests : IDisposable
{
    private readonly DefaultLab lab;
    private readonly string config = Directory.CreateTempSubdirectory("dfw-docker-config-").FullName;

    public DockerCliPluginLabTests(DefaultLab lab)
    {
        this.lab = lab;
        if (LabDaemon.IsRoot) lab.Reset();
        // The plugin as the docker CLI finds it: CONFIG/cli-plugins/docker-fw, here the test build.
        var plugins = Directory.CreateDirectory(Path.Combine(config, "cli-plugins")).FullName;
        var binary = Path.Combine(plugins, "docker-fw");
        File.WriteAllText(binary, $"#!/bin/sh\nexec dotnet {Path.Combine(AppContext.BaseDirectory, "dockerfw.dll")} \"$@\"\n");
        Processes.Must("chmod", "u+x", binary);
    }

    private ProcessResult Docker(params string[] arguments) =>
        Processes.Run("docker", arguments, TimeSpan.FromSeconds(120), environment: new Dictionary<string, string> { ["DOCKER_CONFIG"] = config, ["DOCKER_HOST"] = "" });

    [LabFact]
    public void The_docker_CLI_lists_the_plugin_in_its_help() =>
        Assert.Matches(@"(?m)^\s+fw\*\s+Audit and manage the firewall of this Docker host$", Docker("--help").Out);

    [LabFact]
    public void Docker_fw_audits_the_engine_that_docker_H_names()
    {
        lab.CreateNetwork("plugnet", "--subnet", "172.31.40.0/24");

        var run = Docker("-H", lab.DockerHost, "fw", "audit", "--netns", lab.Netns, "--format", "json");

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        var report = JsonDocument.Parse(run.Out).RootElement;
        Assert.Contains($"docker-engine {lab.DockerHost}", report.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Contains("plugnet", report.GetProperty("networks").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
    }

    [LabFact]
    public void Docker_fw_audits_the_engine_of_the_context_docker_is_given()
    {
        lab.CreateNetwork("ctxnet", "--subnet", "172.31.41.0/24");
        Assert.True(Docker("context", "create", "lab", "--docker", "host=" + lab.DockerHost).Ok);

        var run = Docker("--context", "lab", "fw", "audit", "--netns", lab.Netns, "--format", "json");

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        Assert.Contains("ctxnet", JsonDocument.Parse(run.Out).RootElement.GetProperty("networks").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
    }

    [LabFact]
    public void The_docker_CLI_completes_dockerfw_s_commands_and_options()
    {
        Assert.Contains("audit\t", Docker("__complete", "fw", "au").Out);
        Assert.Contains("--format\t", Docker("__complete", "fw", "audit", "--fo").Out);
    }

    public void Dispose() => Directory.Delete(config, recursive: true);
}
