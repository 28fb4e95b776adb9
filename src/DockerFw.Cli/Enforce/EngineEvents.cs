using System.Text.Json;
using DockerFw.Cli.Live;

namespace DockerFw.Cli.Enforce;

/// <summary>
/// The Docker Engine's event stream (<c>GET /events</c>, containers, networks and the daemon), read on
/// a thread of its own: every event that can move an address or a rule wakes the enforcer. When the
/// stream breaks (dockerd stopped or restarted) it reconnects, and the reconnection wakes the enforcer
/// too, since a restarted daemon rebuilt its chains and may have given containers new addresses.
/// </summary>
internal sealed class EngineEvents : IDisposable
{
    // The events whose consequences a plan depends on: addresses, networks, published ports, the daemon.
    private static readonly HashSet<string> Relevant = new(StringComparer.Ordinal)
    {
        "start", "die", "stop", "restart", "destroy", "rename", "connect", "disconnect", "create", "remove", "reload",
    };

    private const string Path = "/events?filters=" + "%7B%22type%22%3A%5B%22container%22%2C%22network%22%2C%22daemon%22%5D%7D";

    private readonly DockerEngineAddress endpoint;
    private readonly Action<string> changed;
    private readonly Action<string> log;
    private readonly CancellationTokenSource stop = new();
    private readonly Thread reader;

    /// <param name="changed">Called with what happened (<c>container start web</c>), on the reading thread.</param>
    /// <param name="log">Called when the stream breaks or comes back.</param>
    public EngineEvents(DockerEngineAddress endpoint, Action<string> changed, Action<string> log)
    {
        this.endpoint = endpoint;
        this.changed = changed;
        this.log = log;
        reader = new Thread(Read) { IsBackground = true, Name = "dockerfw engine events" };
        reader.Start();
    }

    private void Read()
    {
        var connected = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var http = new HttpClient(DockerEngineClient.UnixSocketHandler(endpoint)) { BaseAddress = new Uri("http://docker/"), Timeout = Timeout.InfiniteTimeSpan };
                using var response = http.GetAsync(Path, HttpCompletionOption.ResponseHeadersRead, stop.Token).GetAwaiter().GetResult();
                response.EnsureSuccessStatusCode();
                using var stream = new StreamReader(response.Content.ReadAsStream(stop.Token));
                if (!connected) changed("the Docker Engine's event stream is open");
                connected = true;
                while (stream.ReadLine() is { } line)
                {
                    if (Describe(line) is { } what) changed(what);
                }

                log("the Docker Engine's event stream ended (dockerd stopped or restarting); reconnecting");
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or JsonException)
            {
                if (stop.IsCancellationRequested) return;
                if (connected) log($"the Docker Engine's event stream broke ({e.Message}); reconnecting");
            }

            connected = false;
            stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary><c>container start web</c> for an event a plan depends on, else null.</summary>
    public static string? Describe(string line)
    {
        if (line.Length == 0 || line.Length > 1 << 20) return null;
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return null;
        var type = Text(root, "Type");
        var action = Text(root, "Action") ?? Text(root, "status");
        if (type is null || action is null) return null;
        // "exec_start: sh" and "health_status: healthy" carry a detail after a colon.
        var verb = action.Split(':')[0];
        if (!Relevant.Contains(verb)) return null;
        var name = root.TryGetProperty("Actor", out var actor) && actor.ValueKind == JsonValueKind.Object
            && actor.TryGetProperty("Attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object
            ? Text(attributes, "name") : null;
        return name is null ? $"{type} {verb}" : $"{type} {verb} {name}";
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public void Dispose()
    {
        stop.Cancel();
        reader.Join(TimeSpan.FromSeconds(2));
        stop.Dispose();
    }
}
