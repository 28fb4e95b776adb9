namespace DockerFw.Cli.Live;

/// <summary>
/// The Docker Engine as live mode reads it: GET requests by path, nothing else. Behind an interface
/// so that <c>dockerfw capture</c> can record every answer and <c>--bundle</c> replay them.
/// </summary>
internal interface IDockerEngine : IDisposable
{
    /// <summary>The body of <c>GET path</c>; a failure is a <see cref="DockerEngineException"/> saying which.</summary>
    string Get(string path);
}

/// <summary>Finds and opens the Engine behind an address: its unix socket, or a bundle's record of it.</summary>
internal interface IDockerEngineConnector
{
    /// <summary>Whether the socket is there at all (no socket: an audit of the ruleset alone).</summary>
    bool Exists(DockerEngineAddress endpoint);

    IDockerEngine Open(DockerEngineAddress endpoint);
}

/// <summary>The Engine's unix socket, through <see cref="DockerEngineClient"/>.</summary>
internal sealed class SocketEngineConnector : IDockerEngineConnector
{
    public static SocketEngineConnector Instance { get; } = new();

    public bool Exists(DockerEngineAddress endpoint) => File.Exists(endpoint.SocketPath);

    public IDockerEngine Open(DockerEngineAddress endpoint) => new DockerEngineClient(endpoint);
}
