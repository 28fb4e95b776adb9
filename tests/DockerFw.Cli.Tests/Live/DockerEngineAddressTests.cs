using DockerFw.Cli.Live;
using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests.Live;

public sealed class DockerEngineAddressTests
{
    [Fact]
    public void The_option_wins_over_DOCKER_HOST_which_wins_over_the_default_socket()
    {
        Assert.Equal(new DockerEngineAddress("/run/a.sock", "--docker-host"), DockerEngineAddress.Resolve("unix:///run/a.sock", "unix:///run/b.sock").Endpoint);
        Assert.Equal(new DockerEngineAddress("/run/b.sock", "DOCKER_HOST"), DockerEngineAddress.Resolve(null, "unix:///run/b.sock").Endpoint);
        Assert.Equal(new DockerEngineAddress("/var/run/docker.sock", "default"), DockerEngineAddress.Resolve(null, null).Endpoint);
    }

    [Fact]
    public void A_tcp_engine_is_refused_because_dockerfw_reads_the_unix_socket_only()
    {
        var (endpoint, error) = DockerEngineAddress.Resolve(null, "tcp://10.0.0.1:2376");

        Assert.Null(endpoint);
        Assert.Equal("DOCKER_HOST 'tcp://10.0.0.1:2376' is not a unix socket address (unix:///path/to/docker.sock); dockerfw reads the Engine over its unix socket only", error);
    }

    [Fact]
    public void A_bad_docker_host_option_is_a_usage_error()
    {
        var run = Dockerfw.Run("audit", "--docker-host", "unix://relative.sock");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("--docker-host 'unix://relative.sock' is not a unix socket address", run.Error);
    }

    [Fact]
    public void Docker_host_together_with_docker_files_is_a_usage_error()
    {
        var run = Dockerfw.Run("audit", "--docker-host", "unix:///run/docker.sock", "--docker", "n.json");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("--docker-host and --docker both name Docker's view; give one of them", run.Error);
    }
}
