using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;

namespace DockerFw.Tests.Policy;

/// <summary>Resolution against samples/lab-host: frontend (web, api), backend (api, db, icc off), bridge (legacy).</summary>
public sealed class PolicyResolverTests
{
    internal static DockerView LabHost { get; } = ReadLabHost();

    [Fact]
    public void Container_exceptions_carry_the_addresses_the_containers_have_on_that_network_now()
    {
        var policy = Resolve("network backend { icc off; allow api -> db tcp/5432 }");

        var backend = Assert.Single(policy.Networks);
        Assert.False(backend.Icc);
        Assert.Null(backend.Masquerade);
        var pair = Assert.Single(backend.Exceptions);
        Assert.Equal(LabHost.ContainerByName("api")!.Endpoints.Single(e => e.Network == "backend").Ipv4, pair.From.Address);
        Assert.Equal(LabHost.ContainerByName("db")!.Endpoints.Single(e => e.Network == "backend").Ipv4, pair.To.Address);
    }

    [Fact]
    public void Every_bridge_network_is_in_the_isolation_set_and_exceptions_name_two_of_them()
    {
        var policy = Resolve("allow frontend -> backend tcp/5432");

        Assert.Equal(["backend", "bridge", "frontend"], policy.Bridges.Select(b => b.Name));
        var exception = Assert.Single(policy.Exceptions);
        Assert.Equal(("frontend", "backend"), (exception.From.Name, exception.To.Name));
        Assert.Equal(DockerUserDefault.Return, policy.DockerUserDefault);
    }

    [Fact]
    public void A_publish_restriction_finds_the_binding_by_its_host_port()
    {
        var publish = Assert.Single(Resolve("publish web tcp/8080 on 127.0.0.1").Publishes);

        Assert.Equal((80, 8080), (publish.Binding.ContainerPort, publish.Binding.HostPort));
        Assert.Equal(PublishRestriction.OnHostAddresses, publish.Restriction);
    }

    [Theory]
    [InlineData("allow frontend -> backnd", "p.policy:1:19: error: expected a Docker bridge network (backend, bridge, frontend), but got 'backnd' [DFW802]")]
    [InlineData("allow host -> backend", "p.policy:1:7: error: expected a Docker bridge network (backend, bridge, frontend), but got 'host' [DFW802]")]
    [InlineData("allow backend -> backend", "p.policy:1:18: error: expected two different networks, but got 'backend' twice (traffic inside a network is icc's business: use a network block) [DFW807]")]
    [InlineData("network backend {\n  allow web -> db\n}", "p.policy:2:9: error: expected a container on network 'backend' (api, db), but got 'web' [DFW803]")]
    [InlineData("network backend { icc off; icc on }", "p.policy:1:28: error: expected each setting once in network 'backend', but got it again [DFW804]")]
    [InlineData("network backend { }\nnetwork backend { }", "p.policy:2:9: error: expected one block per network, but network 'backend' already has one at line 1 [DFW805]")]
    [InlineData("publish web tcp/80 on 127.0.0.1", "p.policy:1:1: error: expected a port that container 'web' publishes (tcp/8080), but got 'tcp/80' [DFW806]")]
    [InlineData("publish wbe tcp/8080 on 127.0.0.1", "p.policy:1:9: error: expected a container (api, db, legacy, web), but got 'wbe' [DFW803]")]
    [InlineData("docker-user default drop\ndocker-user default accept", "p.policy:2:1: error: expected one 'docker-user default', but got another (first at line 1) [DFW808]")]
    public void A_name_that_does_not_resolve_is_an_error_at_its_position(string text, string message)
    {
        var result = PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, LabHost);

        Assert.Null(result.Value);
        Assert.Equal(message, Assert.Single(result.Diagnostics).Render());
    }

    [Theory]
    [MemberData(nameof(PolicyReaderTests.ExamplePolicies), MemberType = typeof(PolicyReaderTests))]
    public void Every_example_policy_resolves_on_the_lab_host(string file)
    {
        var result = PolicyResolver.Resolve(PolicyReader.Read(File.ReadAllText(file), file).Value!, LabHost);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    private static ResolvedPolicy Resolve(string text)
    {
        var result = PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, LabHost);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Value!;
    }

    private static DockerView ReadLabHost()
    {
        var folder = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");
        var networks = DockerInspectReader.Read(File.ReadAllText(Path.Combine(folder, "docker-networks.json")), "docker-networks.json").Value!;
        var containers = DockerInspectReader.Read(File.ReadAllText(Path.Combine(folder, "docker-containers.json")), "docker-containers.json").Value!;
        return networks.Merge(containers);
    }
}
