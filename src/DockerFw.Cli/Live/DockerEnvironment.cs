namespace DockerFw.Cli.Live;

/// <summary>
/// The process environment's say on where the Docker Engine listens (<c>DOCKER_HOST</c>), read once at
/// the composition root so that tests can name a socket without touching the process's environment.
/// </summary>
internal sealed record DockerEnvironment(string? DockerHost)
{
    public static DockerEnvironment FromProcess() => new(Environment.GetEnvironmentVariable("DOCKER_HOST"));
}
