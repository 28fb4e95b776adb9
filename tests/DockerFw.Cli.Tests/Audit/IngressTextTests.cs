using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>The routing mesh's line in `audit`'s text report says what its replies meet, as a published port's row does.</summary>
public sealed class IngressTextTests
{
    [Fact]
    public void A_mesh_port_whose_replies_docker_user_drops_reads_open_and_one_way()
    {
        // moby 28.5's swarm host, its DOCKER-USER dropping what comes back from docker_gwbridge (the sandbox's replies).
        var run = LabHost.Run(["audit", "--iptables", "-"],
            stdin: File.ReadAllText(Corpus.PathOf("docker", "moby28.5-swarm-portmap.iptables-save")).Replace(
                "-A FORWARD -j DOCKER-USER\n", "-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -i docker_gwbridge -m conntrack --ctstate ESTABLISHED -j DROP\n"));

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        Assert.Contains(run.Out.Split('\n'), line => line.Contains("routing mesh tcp/8080", StringComparison.Ordinal)
            && line.TrimEnd().EndsWith(": open (one-way: every reply dropped)", StringComparison.Ordinal));
    }
}
