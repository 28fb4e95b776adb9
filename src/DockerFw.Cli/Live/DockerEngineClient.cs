using System.Net;
using System.Net.Sockets;

namespace DockerFw.Cli.Live;

/// <summary>
/// GET requests to the Docker Engine API over its unix socket. Nothing else: an audit never changes
/// the host, so this client has no way to send anything but GET.
/// </summary>
internal sealed class DockerEngineClient : IDisposable
{
    // The Engine answers in milliseconds; a socket that accepts and then says nothing is a hung daemon.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly HttpClient http;

    public DockerEngineClient(DockerEngineAddress endpoint)
    {
        Endpoint = endpoint;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.SocketPath), cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        // The host name is never resolved: every connection goes to the socket.
        http = new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = Timeout };
    }

    public DockerEngineAddress Endpoint { get; }

    /// <summary>The body of <c>GET path</c>. Failures are <see cref="DockerEngineException"/>s saying which.</summary>
    public string Get(string path)
    {
        HttpResponseMessage response;
        try
        {
            response = http.GetAsync(path).GetAwaiter().GetResult();
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException socket)
        {
            throw new DockerEngineException(socket.SocketErrorCode switch
            {
                SocketError.AccessDenied => DockerEngineFailure.NotPermitted,
                SocketError.AddressNotAvailable or SocketError.ConnectionRefused => DockerEngineFailure.NotListening,
                _ => DockerEngineFailure.Other,
            }, $"cannot connect to the Docker Engine at {Endpoint.Uri}: {socket.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new DockerEngineException(DockerEngineFailure.Other, $"GET {path} from the Docker Engine at {Endpoint.Uri} failed: {e.Message}");
        }

        using (response)
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (response.StatusCode != HttpStatusCode.OK)
                throw new DockerEngineException(response.StatusCode == HttpStatusCode.NotFound ? DockerEngineFailure.NotFound : DockerEngineFailure.Other,
                    $"GET {path} from the Docker Engine at {Endpoint.Uri} answered {(int)response.StatusCode} {response.ReasonPhrase}: {body.Trim()}");
            return body;
        }
    }

    public void Dispose() => http.Dispose();
}

internal enum DockerEngineFailure
{
    NotListening,
    NotPermitted,

    /// <summary>404: the object asked for does not exist (any more).</summary>
    NotFound,
    Other,
}

internal sealed class DockerEngineException(DockerEngineFailure failure, string message) : Exception(message)
{
    public DockerEngineFailure Failure { get; } = failure;
}
