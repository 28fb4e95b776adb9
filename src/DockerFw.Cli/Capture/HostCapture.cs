using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using DockerFw.Cli.Commands;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;

namespace DockerFw.Cli.Capture;

/// <summary>What a capture took: the manifest, the files it indexes, and the live reader's notices.</summary>
internal sealed record CapturedHost(BundleManifest Manifest, ImmutableSortedDictionary<string, byte[]> Files, ImmutableArray<string> Notices);

/// <summary>
/// <c>dockerfw capture</c>'s work: runs the live reader once with a recording runner and Engine, so
/// the bundle holds every answer any command reads live, and then asks what no command reads yet but
/// a reader of the bundle (a person, a fleet audit) needs: the links with their details
/// (<c>ip -d -j link</c>) and the Engine's version (<c>docker info</c>, the swarm state, is read live).
/// </summary>
internal sealed class HostCapture(IHostCommandRunner runner, IPrivilege privilege, DockerEnvironment environment, IDockerEngineConnector engines, TimeProvider clock)
{
    public CapturedHost Take(InputOptions input)
    {
        var time = clock.GetUtcNow();
        var commands = new RecordingCommandRunner(runner);
        var engine = new RecordingEngineConnector(engines);
        var live = new LiveHostReader(commands, new LiveFirewallReader(commands), privilege, environment, engine).Read(input, readEngine: true);

        new HostShell(commands, input.Netns).Run("ip", "-d", "-j", "link", "show");
        if (DockerEngineAddress.Resolve(input.DockerHost, environment.DockerHost).Endpoint is { } endpoint && engine.Exists(endpoint))
        {
            using var client = engine.Open(endpoint);
            // docker info is read by the live reader already (the swarm state).
            foreach (var path in new[] { "version" })
            {
                try
                {
                    client.Get(path);
                }
                catch (DockerEngineException)
                {
                    // Kept in the bundle as the failure it was; the rules and the view are still worth having.
                }
            }
        }

        var names = new BundleFileNames();
        var files = ImmutableSortedDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
        var captured = ImmutableArray.CreateBuilder<CapturedCommand>();
        foreach (var (command, outcome) in commands.Runs)
        {
            var stdout = names.ForCommand(command, input.Netns);
            files[stdout] = Encoding.UTF8.GetBytes(outcome.Stdout);
            string? stderr = null;
            if (outcome.Stderr.Length > 0) files[stderr = names.Stderr(stdout)] = Encoding.UTF8.GetBytes(outcome.Stderr);
            captured.Add(new CapturedCommand([.. command], outcome.ExitCode, stdout, stderr));
        }

        var requests = ImmutableArray.CreateBuilder<CapturedRequest>();
        foreach (var answer in engine.Answers)
        {
            if (answer.Body is { } body)
            {
                var file = names.ForRequest(answer.Path);
                files[file] = Encoding.UTF8.GetBytes(body);
                requests.Add(new CapturedRequest(answer.Path, file, null, null));
            }
            else
            {
                requests.Add(new CapturedRequest(answer.Path, null, EngineFailures.Name(answer.Failure!.Failure), answer.Failure.Message));
            }
        }

        var manifest = new BundleManifest(
            BundleManifest.CurrentSchema,
            Environment.MachineName,
            time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            $"dockerfw {RootCommandFactory.Version}",
            input.Netns,
            input.DockerHost,
            environment.DockerHost,
            commands.Installed.ToImmutableSortedDictionary(StringComparer.Ordinal),
            captured.ToImmutable(),
            engine.Sockets.ToImmutableSortedDictionary(StringComparer.Ordinal),
            requests.ToImmutable(),
            files.ToImmutableSortedDictionary(f => f.Key, f => Convert.ToHexStringLower(SHA256.HashData(f.Value)), StringComparer.Ordinal));
        return new CapturedHost(manifest, files.ToImmutable(), live.Notices);
    }
}
