using DockerFw.Cli.Live;

namespace DockerFw.Cli.Capture;

/// <summary>How a bundle's manifest spells the ways an Engine request failed.</summary>
internal static class EngineFailures
{
    public static string Name(DockerEngineFailure failure) => failure switch
    {
        DockerEngineFailure.NotListening => "not_listening",
        DockerEngineFailure.NotPermitted => "not_permitted",
        DockerEngineFailure.NotFound => "not_found",
        _ => "other",
    };

    public static DockerEngineFailure Parse(string? name, string source) => name switch
    {
        "not_listening" => DockerEngineFailure.NotListening,
        "not_permitted" => DockerEngineFailure.NotPermitted,
        "not_found" => DockerEngineFailure.NotFound,
        "other" => DockerEngineFailure.Other,
        _ => throw new CliFailure($"{source}: the manifest records an Engine request with neither a file nor a known failure ('{name}')"),
    };
}
