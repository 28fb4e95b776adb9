using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DockerFw.Cli.Capture;

/// <summary>
/// <c>manifest.json</c>, written and read field by field: a bundle is input from another machine,
/// so every field is checked for its type, and a missing or odd one names itself.
/// </summary>
internal static class ManifestJson
{
    public static byte[] Write(BundleManifest manifest)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("schema", manifest.Schema);
            json.WriteString("host", manifest.Host);
            json.WriteString("time", manifest.Time);
            json.WriteString("tool", manifest.Tool);
            json.WriteString("netns", manifest.Netns);
            json.WriteString("docker_host", manifest.DockerHostOption);
            json.WriteString("docker_host_variable", manifest.DockerHostVariable);
            json.WriteStartObject("installed");
            foreach (var (tool, answer) in manifest.Installed) json.WriteBoolean(tool, answer);
            json.WriteEndObject();
            json.WriteStartArray("commands");
            foreach (var command in manifest.Commands)
            {
                json.WriteStartObject();
                json.WriteStartArray("command");
                foreach (var word in command.Command) json.WriteStringValue(word);
                json.WriteEndArray();
                json.WriteNumber("exit_code", command.ExitCode);
                json.WriteString("stdout", command.Stdout);
                json.WriteString("stderr", command.Stderr);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("engine_sockets");
            foreach (var (socket, exists) in manifest.EngineSockets) json.WriteBoolean(socket, exists);
            json.WriteEndObject();
            json.WriteStartArray("engine_requests");
            foreach (var request in manifest.Requests)
            {
                json.WriteStartObject();
                json.WriteString("path", request.Path);
                if (request.File is not null) json.WriteString("file", request.File);
                if (request.Failure is not null) json.WriteString("failure", request.Failure);
                if (request.Message is not null) json.WriteString("message", request.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("files");
            foreach (var (file, sha256) in manifest.Files) json.WriteString(file, sha256);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <param name="source">The bundle, for messages.</param>
    public static BundleManifest Read(byte[] bytes, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            var schema = Property(root, "schema", JsonValueKind.Number).GetInt32();
            if (schema != BundleManifest.CurrentSchema)
                throw new CliFailure($"{source}: the manifest is of schema {schema}; this dockerfw reads schema {BundleManifest.CurrentSchema} (capture the host again with this version)");
            return new BundleManifest(
                schema,
                String(root, "host")!,
                String(root, "time")!,
                String(root, "tool")!,
                String(root, "netns", nullable: true),
                String(root, "docker_host", nullable: true),
                String(root, "docker_host_variable", nullable: true),
                Property(root, "installed", JsonValueKind.Object).EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => Bool(p), StringComparer.Ordinal),
                [.. Property(root, "commands", JsonValueKind.Array).EnumerateArray().Select(Command)],
                Property(root, "engine_sockets", JsonValueKind.Object).EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => Bool(p), StringComparer.Ordinal),
                [.. Property(root, "engine_requests", JsonValueKind.Array).EnumerateArray().Select(Request)],
                Property(root, "files", JsonValueKind.Object).EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => String(p), StringComparer.Ordinal));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new CliFailure($"{source}: {BundleManifest.FileName} is not a dockerfw bundle manifest: {e.Message}");
        }
    }

    private static CapturedCommand Command(JsonElement command) => new(
        [.. Property(command, "command", JsonValueKind.Array).EnumerateArray().Select(w => w.GetString() ?? throw new FormatException("a command word is null"))],
        Property(command, "exit_code", JsonValueKind.Number).GetInt32(),
        String(command, "stdout")!,
        String(command, "stderr", nullable: true));

    private static CapturedRequest Request(JsonElement request) => new(
        String(request, "path")!,
        String(request, "file", nullable: true, optional: true),
        String(request, "failure", nullable: true, optional: true),
        String(request, "message", nullable: true, optional: true));

    private static JsonElement Property(JsonElement parent, string name, JsonValueKind kind) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new FormatException($"'{name}' is missing or not {kind.ToString().ToLowerInvariant()}");

    private static string? String(JsonElement parent, string name, bool nullable = false, bool optional = false)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value))
        {
            if (value.ValueKind == JsonValueKind.String) return value.GetString();
            if (value.ValueKind == JsonValueKind.Null && nullable) return null;
        }
        else if (optional)
        {
            return null;
        }

        throw new FormatException($"'{name}' is missing or not a string");
    }

    private static string String(JsonProperty property) =>
        property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : throw new FormatException($"'{property.Name}' is not a string");

    private static bool Bool(JsonProperty property) =>
        property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? property.Value.GetBoolean() : throw new FormatException($"'{property.Name}' is not true or false");
}
