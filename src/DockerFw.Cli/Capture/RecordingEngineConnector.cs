using DockerFw.Cli.Live;

namespace DockerFw.Cli.Capture;

/// <summary>
/// The Engine through its socket, keeping whether each socket exists and every <c>GET</c>'s answer or
/// failure: what <c>capture</c> writes into a bundle.
/// </summary>
internal sealed class RecordingEngineConnector(IDockerEngineConnector host) : IDockerEngineConnector
{
    private readonly SortedDictionary<string, bool> sockets = new(StringComparer.Ordinal);
    private readonly List<EngineAnswer> answers = [];

    public IReadOnlyDictionary<string, bool> Sockets => sockets;

    public IReadOnlyList<EngineAnswer> Answers => answers;

    public bool Exists(DockerEngineAddress endpoint)
    {
        var exists = host.Exists(endpoint);
        sockets.TryAdd(endpoint.SocketPath, exists);
        return exists;
    }

    public IDockerEngine Open(DockerEngineAddress endpoint) => new Recording(host.Open(endpoint), answers);

    private sealed class Recording(IDockerEngine engine, List<EngineAnswer> answers) : IDockerEngine
    {
        public string Get(string path)
        {
            try
            {
                var body = engine.Get(path);
                Keep(new EngineAnswer(path, body, null));
                return body;
            }
            catch (DockerEngineException e)
            {
                Keep(new EngineAnswer(path, null, e));
                throw;
            }
        }

        private void Keep(EngineAnswer answer)
        {
            if (!answers.Any(a => a.Path == answer.Path)) answers.Add(answer);
        }

        public void Dispose() => engine.Dispose();
    }
}

/// <summary>The body of one Engine request, or the failure it ended in.</summary>
internal sealed record EngineAnswer(string Path, string? Body, DockerEngineException? Failure);
