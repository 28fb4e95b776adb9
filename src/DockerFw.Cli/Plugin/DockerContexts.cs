using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DockerFw.Cli.Plugin;

/// <summary>
/// Which Engine the docker CLI would talk to, decided as it decides: <c>-H</c>, else
/// <c>--context</c>, else <c>DOCKER_HOST</c>, else <c>DOCKER_CONTEXT</c>, else the config's
/// <c>currentContext</c>, else the default. A context's endpoint is in
/// <c>CONFIG/contexts/meta/SHA256(name)/meta.json</c>.
/// </summary>
internal static class DockerContexts
{
    /// <summary>The Engine's address (null: dockerfw's own default), or an error.</summary>
    public static (string? Host, string? Error) Resolve(DockerGlobalOptions options, Func<string, string?> environment)
    {
        if (options.Host is { } host) return (host, null);
        var configDirectory = options.ConfigDirectory ?? environment("DOCKER_CONFIG")
            ?? Path.Combine(environment("HOME") ?? "/root", ".docker");
        var context = options.Context;
        if (context is null)
        {
            if (environment("DOCKER_HOST") is { Length: > 0 } variable) return (variable, null);
            context = environment("DOCKER_CONTEXT") is { Length: > 0 } named ? named : CurrentContext(configDirectory);
        }

        if (context is null or "default") return (environment("DOCKER_HOST") is { Length: > 0 } v ? v : null, null);
        return EndpointOf(context, configDirectory);
    }

    private static string? CurrentContext(string configDirectory)
    {
        var file = Path.Combine(configDirectory, "config.json");
        if (!File.Exists(file)) return null;
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(file));
            return config.RootElement.ValueKind == JsonValueKind.Object && config.RootElement.TryGetProperty("currentContext", out var c) && c.ValueKind == JsonValueKind.String
                ? c.GetString()
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (string? Host, string? Error) EndpointOf(string context, string configDirectory)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(context)));
        var meta = Path.Combine(configDirectory, "contexts", "meta", id, "meta.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(meta));
            if (document.RootElement.TryGetProperty("Endpoints", out var endpoints) && endpoints.ValueKind == JsonValueKind.Object
                && endpoints.TryGetProperty("docker", out var docker) && docker.ValueKind == JsonValueKind.Object
                && docker.TryGetProperty("Host", out var host) && host.ValueKind == JsonValueKind.String)
                return (host.GetString(), null);
            return (null, $"docker context '{context}' names no Docker endpoint ({meta})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"docker context '{context}' is not known to the docker CLI ({meta}: {e.Message})");
        }
        catch (JsonException e)
        {
            return (null, $"docker context '{context}': {meta} is not JSON ({e.Message})");
        }
    }
}
