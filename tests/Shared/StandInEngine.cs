using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace DockerFw.Tests;

/// <summary>
/// A stand-in Docker Engine: a one-request-per-connection HTTP/1.1 server on a unix socket of the
/// test's own, answering GETs from a table by path (anything else, the event stream included, is a 404).
/// </summary>
public sealed class StandInEngine : IDisposable
{
    private readonly Socket listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly Dictionary<string, (int Status, string Body)> answers;
    private readonly Task serving;

    public StandInEngine(Dictionary<string, (int Status, string Body)> answers)
    {
        this.answers = answers;
        listener.Bind(new UnixDomainSocketEndPoint(Path));
        listener.Listen(16);
        serving = Task.Run(Serve);
    }

    /// <summary>
    /// The GETs a live read makes (<c>/networks</c>, <c>/networks/ID</c>, <c>/containers/json?all=1</c>,
    /// <c>/containers/ID/json</c>) answered from <c>docker inspect</c> JSON of networks and containers.
    /// </summary>
    public static StandInEngine Inspected(JsonArray inspected)
    {
        var networks = inspected.OfType<JsonObject>().Where(o => o.ContainsKey("Driver")).ToList();
        var containers = inspected.OfType<JsonObject>().Where(o => o.ContainsKey("State")).ToList();
        var answers = new Dictionary<string, (int, string)>
        {
            ["/networks"] = (200, new JsonArray([.. networks.Select(n => n.DeepClone())]).ToJsonString()),
            ["/containers/json?all=1"] = (200, new JsonArray([.. containers.Select(c => (JsonNode)new JsonObject { ["Id"] = c["Id"]!.DeepClone() })]).ToJsonString()),
        };
        foreach (var n in networks) answers[$"/networks/{n["Id"]}"] = (200, n.ToJsonString());
        foreach (var c in containers) answers[$"/containers/{c["Id"]}/json"] = (200, c.ToJsonString());
        return new StandInEngine(answers);
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dfw-engine-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");

    /// <summary>How long it thinks before each answer: a slow or hung Engine.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>The request lines received, in order.</summary>
    public List<string> Requests { get; } = [];

    public void Dispose()
    {
        listener.Dispose();
        serving.Wait(TimeSpan.FromSeconds(5));
        File.Delete(Path);
    }

    private async Task Serve()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            await using (var stream = new NetworkStream(client))
            {
                try
                {
                    await Answer(stream);
                }
                catch (IOException)
                {
                    // The client gave up (its deadline, or an answer too large to read on) or went away.
                }
            }
        }
    }

    private async Task Answer(NetworkStream stream)
    {
        var reader = new StreamReader(stream, Encoding.ASCII);
        var requestLine = await reader.ReadLineAsync() ?? "";
        while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }
        lock (Requests) Requests.Add(requestLine);
        var target = requestLine.Split(' ').ElementAtOrDefault(1) ?? "";
        await Task.Delay(Delay);
        var (status, body) = answers.TryGetValue(target, out var a) ? a : (404, """{"message":"no such thing"}""");
        var reason = status switch { 200 => "OK", 404 => "Not Found", _ => "Internal Server Error" };
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
    }
}
