using DockerFw.Cli.Live;

namespace DockerFw.Cli.Capture;

/// <summary>
/// The Docker Engine as a bundle recorded it: whether its socket existed, and the answer (or the
/// failure) of each <c>GET</c> by path. A path the bundle lacks is an error naming it.
/// </summary>
internal sealed class ReplayEngineConnector(Bundle bundle) : IDockerEngineConnector
{
    public bool Exists(DockerEngineAddress endpoint) =>
        bundle.Manifest.EngineSockets.TryGetValue(endpoint.SocketPath, out var exists) ? exists
        : throw new CliFailure($"{bundle.Source}: the bundle has no record of a Docker Engine socket at {endpoint.SocketPath}; capture the host again with this dockerfw");

    public IDockerEngine Open(DockerEngineAddress endpoint) => new Replay(bundle);

    private sealed class Replay(Bundle bundle) : IDockerEngine
    {
        public string Get(string path)
        {
            var request = bundle.Manifest.Requests.FirstOrDefault(r => r.Path == path)
                ?? throw new CliFailure($"{bundle.Source}: the bundle holds no answer to GET {path} from the Docker Engine; capture the host again with this dockerfw");
            if (request.File is { } file) return bundle.Text(file);
            throw new DockerEngineException(EngineFailures.Parse(request.Failure, bundle.Source), request.Message ?? $"GET {path} failed");
        }

        public void Dispose()
        {
        }
    }
}
