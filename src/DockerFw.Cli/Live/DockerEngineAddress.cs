namespace DockerFw.Cli.Live;

/// <summary>
/// Where the Docker Engine listens: <c>--docker-host unix:///path</c>, else <c>DOCKER_HOST</c>, else
/// <c>/var/run/docker.sock</c>, as the docker CLI decides. Only unix sockets: dockerfw reads, and a
/// TCP Engine would need TLS settings it has no business holding.
/// </summary>
internal sealed record DockerEngineAddress(string SocketPath, string Origin)
{
    public const string DefaultSocket = "/var/run/docker.sock";

    public string Uri => "unix://" + SocketPath;

    /// <summary>Null with an error message when the chosen address is not a unix socket.</summary>
    public static (DockerEngineAddress? Endpoint, string? Error) Resolve(string? option, string? dockerHostVariable)
    {
        if (option is not null) return Parse(option, "--docker-host");
        if (!string.IsNullOrWhiteSpace(dockerHostVariable)) return Parse(dockerHostVariable, "DOCKER_HOST");
        return (new DockerEngineAddress(DefaultSocket, "default"), null);
    }

    /// <summary>A usage error for <c>--docker-host</c>, or null when it names a unix socket.</summary>
    public static string? Check(string option) => Parse(option, "--docker-host").Error;

    private static (DockerEngineAddress? Endpoint, string? Error) Parse(string address, string origin)
    {
        const string scheme = "unix://";
        if (!address.StartsWith(scheme, StringComparison.Ordinal) || address.Length == scheme.Length || address[scheme.Length] != '/')
            return (null, $"{origin} '{address}' is not a unix socket address (unix:///path/to/docker.sock); dockerfw reads the Engine over its unix socket only");
        return (new DockerEngineAddress(address[scheme.Length..], origin), null);
    }
}
