using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DockerFw.Cli.Input;

namespace DockerFw.Cli.Live;

/// <summary>
/// GET requests to the Docker Engine API over its unix socket. Nothing else: an audit never changes
/// the host, so this client has no way to send anything but GET.
/// </summary>
internal sealed class DockerEngineClient : IDockerEngine
{
    // The Engine answers in milliseconds; a socket that accepts and then says nothing is a hung daemon.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly HttpClient http;

    // One budget for every request of a run: a slow Engine (15 s an answer) must not stretch a live
    // audit to minutes, one request at a time.
    private readonly Stopwatch elapsed = Stopwatch.StartNew();

    private readonly TimeSpan budget;
    private readonly long answerLimit;

    /// <param name="budget">All requests together, <see cref="InputLimits.EngineBudget"/> unless a test says less.</param>
    /// <param name="answerLimit">The largest answer read, <see cref="InputLimits.DockerJson"/> unless a test says less.</param>
    public DockerEngineClient(DockerEngineAddress endpoint, TimeSpan? budget = null, long? answerLimit = null)
    {
        Endpoint = endpoint;
        this.budget = budget ?? InputLimits.EngineBudget;
        this.answerLimit = answerLimit ?? InputLimits.DockerJson;
        var handler = UnixSocketHandler(endpoint);
        // The host name is never resolved: every connection goes to the socket.
        http = new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = Timeout };
    }

    public DockerEngineAddress Endpoint { get; }

    /// <summary>An HTTP handler whose every connection goes to the Engine's unix socket.</summary>
    public static SocketsHttpHandler UnixSocketHandler(DockerEngineAddress endpoint) => new()
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

    /// <summary>The body of <c>GET path</c>. Failures are <see cref="DockerEngineException"/>s saying which.</summary>
    public string Get(string path)
    {
        var left = budget - elapsed.Elapsed;
        if (left <= TimeSpan.Zero) throw OverBudget();
        // The run's budget, not this request's own timeout, is what stops it: say so.
        var budgetBound = left < Timeout;
        using var deadline = new CancellationTokenSource(left < Timeout ? left : Timeout);
        HttpResponseMessage response;
        try
        {
            response = http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, deadline.Token).GetAwaiter().GetResult();
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
        catch (OperationCanceledException) when (budgetBound && deadline.IsCancellationRequested)
        {
            throw OverBudget();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new DockerEngineException(DockerEngineFailure.Other, $"GET {path} from the Docker Engine at {Endpoint.Uri} failed: {e.Message}");
        }

        using (response)
        {
            string body;
            try
            {
                body = Body(response, path, deadline.Token);
            }
            catch (DockerEngineException) when (budgetBound && deadline.IsCancellationRequested)
            {
                throw OverBudget();
            }

            if (response.StatusCode != HttpStatusCode.OK)
                throw new DockerEngineException(response.StatusCode == HttpStatusCode.NotFound ? DockerEngineFailure.NotFound : DockerEngineFailure.Other,
                    $"GET {path} from the Docker Engine at {Endpoint.Uri} answered {(int)response.StatusCode} {response.ReasonPhrase}: {body.Trim()}");
            return body;
        }
    }

    private DockerEngineException OverBudget() => new(DockerEngineFailure.Other,
        $"the Docker Engine at {Endpoint.Uri} did not answer everything a live run asks within {budget.TotalSeconds:0.#} s (the limit for all its requests together); is dockerd overloaded?");

    /// <summary>The answer's body, read no further than <see cref="InputLimits.DockerJson"/> and the run's deadline.</summary>
    private string Body(HttpResponseMessage response, string path, CancellationToken deadline)
    {
        try
        {
            using var stream = response.Content.ReadAsStreamAsync(deadline).GetAwaiter().GetResult();
            return BoundedRead.Decode(BoundedRead.Bytes(stream, answerLimit, $"the answer to GET {path} from the Docker Engine at {Endpoint.Uri}", "Docker JSON"));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            throw new DockerEngineException(DockerEngineFailure.Other, $"GET {path} from the Docker Engine at {Endpoint.Uri} failed while reading the answer: {e.Message}");
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
