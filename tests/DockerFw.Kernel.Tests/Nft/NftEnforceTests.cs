using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using DockerFw.Cli;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// <c>dockerfw enforce</c> on a Docker 29 nftables host (<see cref="NftHost"/>), run as a real process
/// against an Engine of the test's own (a unix socket answering the fixture's networks and
/// containers, with no event stream, so rounds come from <c>--interval</c>): it applies dockerfw's
/// table, puts it back after it is deleted, and SIGTERM leaves it in force.
/// </summary>
public sealed class NftEnforceTests
{
    [KernelFact]
    public void Enforce_applies_dockerfws_table_restores_it_after_a_delete_and_keeps_it_at_sigterm()
    {
        using var host = new NftHost("moby29-nftables-usernet-portmap.nft");
        using var engine = new Engine(JsonNode.Parse(File.ReadAllText(host.Docker))!.AsArray());
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { typeof(DockerFwApp).Assembly.Location, "enforce", "--policy", host.Policy("network backend { icc off; allow api -> web tcp/80 }\n"),
                     "--netns", host.Host, "--docker-host", "unix://" + engine.Path, "--interval", "1", "--backup-dir", host.Backups })
            start.ArgumentList.Add(arg);
        var output = new StringBuilder();
        using var enforce = Process.Start(start)!;
        enforce.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        enforce.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        enforce.BeginOutputReadLine();
        enforce.BeginErrorReadLine();
        try
        {
            var applied = Eventually(() => host.Table("ip", "dockerfw") != "");
            var blocked = !host.Connects("db", NftHost.Web, 80) && host.Connects("api", NftHost.Web, 80);
            host.Nft("delete table ip dockerfw\n");
            var restored = Eventually(() => host.Table("ip", "dockerfw") != "");
            using (var term = Process.Start("kill", ["-TERM", enforce.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) term.WaitForExit();
            var ended = enforce.WaitForExit(60_000);

            string Log()
            {
                lock (output) return output.ToString();
            }

            Assert.True(applied, Log());
            Assert.True(blocked, "db -> web is blocked and api -> web tcp/80 connects: " + Log());
            Assert.True(restored, Log());
            Assert.True(ended && enforce.ExitCode == 0, Log());
            Assert.True(Log().Split("applied the policy").Length - 1 == 2, "one apply at start, one after the delete: " + Log());
            Assert.Contains("iifname \"bridge1\" oifname \"bridge1\" drop", host.Table("ip", "dockerfw"), StringComparison.Ordinal);
            Assert.False(host.Connects("db", NftHost.Web, 80), "the policy is still in force after SIGTERM");
        }
        finally
        {
            if (!enforce.HasExited) enforce.Kill(entireProcessTree: true);
        }
    }

    private static bool Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 120; i++)
        {
            if (condition()) return true;
            Thread.Sleep(250);
        }

        return false;
    }

    /// <summary>
    /// The Engine API's GETs a live read makes (<c>/networks</c>, <c>/networks/ID</c>,
    /// <c>/containers/json?all=1</c>, <c>/containers/ID/json</c>) answered from <c>docker inspect</c>
    /// JSON, one request per connection; anything else (the event stream) is a 404.
    /// </summary>
    private sealed class Engine : IDisposable
    {
        private readonly Socket listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        private readonly Dictionary<string, string> answers = [];
        private readonly Task serving;

        public Engine(JsonArray inspected)
        {
            var networks = inspected.OfType<JsonObject>().Where(o => o.ContainsKey("Driver")).ToList();
            var containers = inspected.OfType<JsonObject>().Where(o => o.ContainsKey("State")).ToList();
            answers["/networks"] = new JsonArray([.. networks.Select(n => n.DeepClone())]).ToJsonString();
            foreach (var n in networks) answers[$"/networks/{n["Id"]}"] = n.ToJsonString();
            answers["/containers/json?all=1"] = new JsonArray([.. containers.Select(c => (JsonNode)new JsonObject { ["Id"] = c["Id"]!.DeepClone() })]).ToJsonString();
            foreach (var c in containers) answers[$"/containers/{c["Id"]}/json"] = c.ToJsonString();
            listener.Bind(new UnixDomainSocketEndPoint(Path));
            listener.Listen(16);
            serving = Task.Run(Serve);
        }

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dfwnft-engine-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");

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
                        var reader = new StreamReader(stream, Encoding.ASCII);
                        var requestLine = await reader.ReadLineAsync() ?? "";
                        while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }
                        var target = requestLine.Split(' ').ElementAtOrDefault(1) ?? "";
                        var (status, body) = answers.TryGetValue(target, out var a) ? (200, a) : (404, """{"message":"no such thing"}""");
                        var bytes = Encoding.UTF8.GetBytes(body);
                        var head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Not Found")}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                        await stream.WriteAsync(bytes);
                    }
                    catch (IOException)
                    {
                        // The client went away.
                    }
                }
            }
        }

        public void Dispose()
        {
            listener.Dispose();
            serving.Wait(TimeSpan.FromSeconds(5));
            File.Delete(Path);
        }
    }
}
