using System.Net.Sockets;
using DockerFw.Cli.Live;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Live;

/// <summary>The Engine client against a stand-in Engine on a unix socket of the test's own, answering canned JSON.</summary>
public sealed class DockerEngineReaderTests
{
    private const string Networks = """[{"Name":"zeta","Id":"bbbbbbbbbbbb0000"},{"Name":"alpha","Id":"aaaaaaaaaaaa0000"}]""";

    private static string Network(string name, string id) =>
        $$$"""{"Name":"{{{name}}}","Id":"{{{id}}}","Driver":"bridge","IPAM":{"Config":[{"Subnet":"172.31.{{{(name == "alpha" ? 1 : 2)}}}.0/24"}]},"Options":{}}""";

    [Fact]
    public void Networks_and_containers_are_read_with_GET_only_and_in_name_order()
    {
        using var engine = new StandInEngine(new()
        {
            ["/networks"] = (200, Networks),
            ["/networks/aaaaaaaaaaaa0000"] = (200, Network("alpha", "aaaaaaaaaaaa0000")),
            ["/networks/bbbbbbbbbbbb0000"] = (200, Network("zeta", "bbbbbbbbbbbb0000")),
            ["/containers/json?all=1"] = (200, """[{"Id":"c1","Names":["/web"]}]"""),
            ["/containers/c1/json"] = (200, """{"Id":"c1","Name":"/web","NetworkSettings":{"Networks":{}},"HostConfig":{"NetworkMode":"alpha"},"Config":{}}"""),
        });

        var reading = DockerEngineReader.Read(Address(engine), [new HostBridge("br-aaaaaaaaaaaa", []), new HostBridge("br-bbbbbbbbbbbb", [])]);

        Assert.Equal(["alpha", "zeta"], reading.View!.Networks.Select(n => n.Name));
        Assert.Equal(["web"], reading.View.Containers.Select(c => c.Name));
        Assert.Empty(reading.Notices);
        Assert.All(engine.Requests, r => Assert.StartsWith("GET ", r));
    }

    [Fact]
    public void An_engine_whose_bridges_are_all_absent_belongs_to_another_namespace_and_is_ignored()
    {
        using var engine = new StandInEngine(new()
        {
            ["/networks"] = (200, """[{"Name":"alpha","Id":"aaaaaaaaaaaa0000"}]"""),
            ["/networks/aaaaaaaaaaaa0000"] = (200, Network("alpha", "aaaaaaaaaaaa0000")),
            ["/containers/json?all=1"] = (200, "[]"),
        });

        var reading = DockerEngineReader.Read(Address(engine), [new HostBridge("docker0", [])]);

        Assert.Null(reading.View);
        Assert.Equal($"the Docker Engine at {Address(engine).Uri} manages bridges (br-aaaaaaaaaaaa) none of which is on this host: it belongs to another network namespace; auditing the ruleset alone",
            Assert.Single(reading.Notices));
    }

    [Fact]
    public void A_network_and_a_container_removed_between_the_list_and_their_details_are_left_out_with_a_notice()
    {
        // zeta and db are listed, then gone when their details are asked: the Engine answers 404.
        using var engine = new StandInEngine(new()
        {
            ["/networks"] = (200, Networks),
            ["/networks/aaaaaaaaaaaa0000"] = (200, Network("alpha", "aaaaaaaaaaaa0000")),
            ["/containers/json?all=1"] = (200, """[{"Id":"c1","Names":["/web"]},{"Id":"c2","Names":["/db"]}]"""),
            ["/containers/c1/json"] = (200, """{"Id":"c1","Name":"/web","NetworkSettings":{"Networks":{}},"HostConfig":{"NetworkMode":"alpha"},"Config":{}}"""),
        });

        var reading = DockerEngineReader.Read(Address(engine), [new HostBridge("br-aaaaaaaaaaaa", [])]);

        Assert.Equal(["alpha"], reading.View!.Networks.Select(n => n.Name));
        Assert.Equal(["web"], reading.View.Containers.Select(c => c.Name));
        Assert.Equal("removed while dockerfw read the Docker Engine, so left out: network zeta, container db", Assert.Single(reading.Notices));
        Assert.Contains("GET /networks/bbbbbbbbbbbb0000 HTTP/1.1", engine.Requests);
    }

    [Fact]
    public void A_list_call_answered_404_still_fails_the_run()
    {
        using var engine = new StandInEngine(new() { ["/networks"] = (200, "[]") });

        var failure = Assert.Throws<CliFailure>(() => DockerEngineReader.Read(Address(engine), []));

        Assert.StartsWith("GET containers/json?all=1 from the Docker Engine at ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("answered 404 Not Found", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_engine_error_is_a_failure_quoting_the_engines_message()
    {
        using var engine = new StandInEngine(new() { ["/networks"] = (500, """{"message":"boom"}""") });

        var failure = Assert.Throws<CliFailure>(() => DockerEngineReader.Read(Address(engine), []));

        Assert.Equal($"GET networks from the Docker Engine at {Address(engine).Uri} answered 500 Internal Server Error: {{\"message\":\"boom\"}}", failure.Message);
    }

    [Theory]
    [InlineData("DOCKER_HOST", null)]
    [InlineData("--docker-host", "cannot connect to the Docker Engine at unix://{0}: Connection refused (named by --docker-host): is dockerd running?")]
    public void A_socket_nobody_listens_on_degrades_to_the_ruleset_alone_unless_the_user_named_it(string origin, string? error)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dfwlive-dead-{Environment.ProcessId}-{origin.Trim('-')}.sock");
        // Bound but not listening: what a crashed daemon leaves behind answers connect() with ECONNREFUSED.
        using var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        dead.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            if (error is not null)
            {
                Assert.Equal(string.Format(error, path), Assert.Throws<CliFailure>(() => DockerEngineReader.Read(new DockerEngineAddress(path, origin), [])).Message);
                return;
            }

            var reading = DockerEngineReader.Read(new DockerEngineAddress(path, origin), []);
            Assert.Null(reading.View);
            Assert.EndsWith(": auditing the ruleset alone", Assert.Single(reading.Notices));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_slow_engine_ends_the_run_at_its_budget_with_the_reason()
    {
        using var engine = new StandInEngine(new() { ["/networks"] = (200, "[]") }) { Delay = TimeSpan.FromMilliseconds(400) };
        using var client = new DockerEngineClient(Address(engine), budget: TimeSpan.FromSeconds(1));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var failure = Assert.Throws<DockerEngineException>(() =>
        {
            for (var i = 0; i < 20; i++) client.Get("/networks");
        });

        // Twenty answers take 8 s; the budget stops the run after about one (slack for a loaded machine).
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(6));
        Assert.Contains("did not answer everything a live run asks within 1 s (the limit for all its requests together)", failure.Message);
    }

    [Fact]
    public void An_answer_larger_than_the_limit_is_refused_by_name()
    {
        using var engine = new StandInEngine(new() { ["/networks"] = (200, "[" + new string(' ', 5000) + "]") });
        using var client = new DockerEngineClient(Address(engine), answerLimit: 4096);

        var failure = Assert.ThrowsAny<Exception>(() => client.Get("/networks"));

        Assert.Contains("is larger than the 4096 bytes dockerfw reads as Docker JSON", failure.Message);
    }

    private static DockerEngineAddress Address(StandInEngine engine) => new(engine.Path, "--docker-host");
}
