namespace DockerFw.Core.Host;

/// <summary>Where a loaded host's Docker view came from.</summary>
public enum DockerViewOrigin
{
    /// <summary>The Docker Engine's API, in live mode.</summary>
    Engine,

    /// <summary><c>--docker FILE</c>: the JSON of <c>docker network inspect</c> and/or <c>docker inspect</c>.</summary>
    Files,

    /// <summary>Nothing said: reconstructed from the IPv4 rules (docs/docker-inference.md).</summary>
    Rules,
}
