using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Docker;

namespace DockerFw.Cli.Live;

/// <summary>What the Engine said (or why it said nothing: a notice), and the raw JSON it was read from.</summary>
internal sealed record EngineReading(DockerView? View, ImmutableArray<string> Notices);

/// <summary>
/// Reads Docker's view from the Engine API: <c>GET /networks</c>, <c>/networks/{id}</c>,
/// <c>/containers/json?all=1</c>, <c>/containers/{id}/json</c> and <c>/info</c> (the swarm state), the same JSON <c>docker network
/// inspect</c> and <c>docker inspect</c> print, so <see cref="DockerInspectReader"/> reads it.
/// </summary>
internal static class DockerEngineReader
{
    /// <param name="connector">The socket, unless capture records it or a bundle stands in for it.</param>
    public static EngineReading Read(DockerEngineAddress endpoint, ImmutableArray<HostBridge> bridges, IDockerEngineConnector? connector = null)
    {
        connector ??= SocketEngineConnector.Instance;
        // A socket the user named is one they expect to be read: its absence is an error, not a quieter audit.
        if (!connector.Exists(endpoint) && endpoint.Origin == "--docker-host")
            throw new CliFailure($"no Docker Engine socket at {endpoint.SocketPath} (named by --docker-host): is dockerd running, and is this its socket?");
        if (!connector.Exists(endpoint))
            return new(null, [$"no Docker Engine socket at {endpoint.SocketPath} ({Origin(endpoint)}): auditing the ruleset alone; name the socket with --docker-host unix:///path"]);

        string json;
        var gone = new List<string>();
        using (var client = connector.Open(endpoint))
        {
            try
            {
                json = ReadAll(client, gone);
            }
            catch (DockerEngineException e) when (e.Failure == DockerEngineFailure.NotListening && endpoint.Origin == "--docker-host")
            {
                throw new CliFailure($"{e.Message} (named by --docker-host): is dockerd running?");
            }
            catch (DockerEngineException e) when (e.Failure == DockerEngineFailure.NotListening)
            {
                return new(null, [$"{e.Message}: auditing the ruleset alone"]);
            }
            catch (DockerEngineException e) when (e.Failure == DockerEngineFailure.NotPermitted)
            {
                throw new CliFailure($"{e.Message} (reading the Docker Engine needs root or membership of the docker group)");
            }
            catch (DockerEngineException e)
            {
                throw new CliFailure(e.Message);
            }
        }

        var read = DockerInspectReader.Read(json, $"docker-engine {endpoint.Uri}");
        if (read.Value is null || read.Diagnostics.Any(d => d.IsError))
            throw new CliFailure($"the Docker Engine at {endpoint.Uri} answered JSON dockerfw cannot read: {string.Join("; ", read.Diagnostics.Select(d => d.Message))}");
        var reading = ForThisHost(read.Value, endpoint, bridges);
        return gone.Count == 0 ? reading
            : reading with { Notices = [$"removed while dockerfw read the Docker Engine, so left out: {string.Join(", ", gone)}", .. reading.Notices] };
    }

    /// <summary>
    /// The Engine must be the one that made these bridges: an Engine of another namespace (the host's
    /// own /var/run/docker.sock while auditing <c>--netns</c>) would name networks that are not here.
    /// </summary>
    private static EngineReading ForThisHost(DockerView view, DockerEngineAddress endpoint, ImmutableArray<HostBridge> bridges)
    {
        var expected = view.Networks.Select(n => n.Bridge).OfType<string>().ToList();
        var present = bridges.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        if (expected.Count > 0 && !expected.Any(present.Contains))
            return new(null, [$"the Docker Engine at {endpoint.Uri} manages bridges ({string.Join(", ", expected)}) none of which is on this host: it belongs to another network namespace; auditing the ruleset alone"]);

        var missing = expected.Where(b => !present.Contains(b)).ToList();
        return new(view, missing.Count == 0 ? [] : [$"bridges the Engine names but this host lacks: {string.Join(", ", missing)}"]);
    }

    /// <param name="gone">Gets the objects listed but removed before their details were asked (a 404 then).</param>
    private static string ReadAll(IDockerEngine client, List<string> gone)
    {
        // The Engine lists in no stable order, and the default bridge gets a new id at every start: by
        // name, the same host always gives the same report.
        var items = new List<string>();
        foreach (var (id, name) in Ids(client.Get("networks"), "Name"))
            Detail(client, $"networks/{Uri.EscapeDataString(id)}", $"network {name}", items, gone);
        foreach (var (id, name) in Ids(client.Get("containers/json?all=1"), "Names"))
            Detail(client, $"containers/{Uri.EscapeDataString(id)}/json", $"container {name.TrimStart('/')}", items, gone);
        try
        {
            // The swarm state (docker info's Swarm section), for the overlay facts.
            items.Add(client.Get("info"));
        }
        catch (DockerEngineException)
        {
            // An Engine that lists networks but will not say its state leaves the swarm unknown, nothing else.
        }

        return "[" + string.Join(",\n", items) + "]";
    }

    // Docker changes while it is read: what the list named and the detail call no longer finds was
    // removed in between, and is not on the host any more; the rest of the view still holds.
    private static void Detail(IDockerEngine client, string path, string what, List<string> items, List<string> gone)
    {
        try
        {
            items.Add(client.Get(path));
        }
        catch (DockerEngineException e) when (e.Failure == DockerEngineFailure.NotFound)
        {
            gone.Add(what);
        }
    }

    /// <summary>The ids and names of a list, ordered by <paramref name="nameProperty"/> (a string, or an array whose first string counts).</summary>
    private static List<(string Id, string Name)> Ids(string listJson, string nameProperty)
    {
        try
        {
            using var document = JsonDocument.Parse(listJson);
            return document.RootElement.EnumerateArray()
                .Where(item => item.TryGetProperty("Id", out _))
                .Select(item => (Id: item.GetProperty("Id").GetString() ?? "", Name: NameOf(item, nameProperty)))
                .OrderBy(i => i.Name, StringComparer.Ordinal).ThenBy(i => i.Id, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new DockerEngineException(DockerEngineFailure.Other, $"the Docker Engine's list is not the JSON array it should be: {e.Message}");
        }
    }

    private static string NameOf(JsonElement item, string property) =>
        !item.TryGetProperty(property, out var name) ? ""
        : name.ValueKind == JsonValueKind.String ? name.GetString() ?? ""
        : name.ValueKind == JsonValueKind.Array && name.GetArrayLength() > 0 ? name[0].GetString() ?? ""
        : "";

    private static string Origin(DockerEngineAddress endpoint) => endpoint.Origin switch
    {
        "default" => "the default",
        var origin => "from " + origin,
    };
}
