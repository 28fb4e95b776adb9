using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests;

/// <summary>
/// <c>--ipsets FILE</c> (<c>ipset save</c> of a saved host) makes <c>-m set</c> exact. Docker 28.0 tells
/// traffic to its bridges apart by the ipset docker-ext-bridges-v4 (its bridges' subnets): without the
/// members, what docker0 may send to the routed bridge1 is only possible; with them it is decided.
/// </summary>
public sealed class IpSetsOptionTests : IDisposable
{
    private static readonly string Docker28 = Corpus.PathOf("docker", "moby28.0.0-routed.iptables-save");

    private readonly string _sets = Path.Combine(Path.GetTempPath(), $"dfw-ipsets-{Environment.ProcessId}-{Guid.NewGuid():N}.save");

    public IpSetsOptionTests() => File.WriteAllText(_sets, """
        create docker-ext-bridges-v4 hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x5e1c6f3a
        add docker-ext-bridges-v4 172.17.0.0/16
        add docker-ext-bridges-v4 192.0.2.0/24

        """);

    public void Dispose() => File.Delete(_sets);

    private static CliRun Reach(string destination, params string[] extra) => Dockerfw.Run([
        "reach", "--iptables", Docker28, "--in", "docker0", "--out", "bridge1", "--src", "172.17.0.2", "--dst", destination, "--proto", "udp", "--state", "NEW", .. extra]);

    [Fact]
    public void Without_the_members_a_rule_on_a_set_leaves_the_answer_open()
    {
        var run = Reach("192.0.2.9");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("FORWARD: 1 region\n\nMAYBE\n", run.Out);
    }

    [Fact]
    public void With_the_members_a_container_of_the_set_s_subnets_is_dropped_and_an_address_outside_it_accepted()
    {
        var inside = Reach("192.0.2.9", "--ipsets", _sets);
        var outside = Reach("198.51.100.9", "--ipsets", _sets);

        Assert.True(inside.ExitCode == 0, inside.ToString());
        Assert.StartsWith("FORWARD: 1 region\n\nDROP\n", inside.Out);
        Assert.Contains("rule: filter/DOCKER#4 (line 22)", inside.Out);
        Assert.StartsWith("FORWARD: 1 region\n\nACCEPT\n", outside.Out);
    }

    [Fact]
    public void A_set_of_a_type_the_engine_does_not_model_is_named_with_why_its_rules_may_match()
    {
        File.AppendAllText(_sets, """
            create pairs hash:net,iface family inet hashsize 1024 maxelem 65536
            add pairs 192.0.2.0/24,eth0

            """);

        var run = Reach("192.0.2.9", "--ipsets", _sets);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("dockerfw: note: ipset pairs (hash:net,iface): only sets of addresses (hash:ip, hash:net, bitmap:ip), of addresses and ports (hash:ip,port, hash:net,port, hash:ip,port,ip, hash:ip,port,net) and lists of them are modelled; the rules that match these may or may not match\n", run.Error);
    }

    [Fact]
    public void A_listing_that_is_not_ipset_save_output_is_an_error_at_its_line_and_column()
    {
        File.WriteAllText(_sets, "create s hash:ip\nadd s 10.0.0.999\n");

        var run = Reach("192.0.2.9", "--ipsets", _sets);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{_sets}:2:7: error: expected an address, a prefix or a range of the set's family (inet), but got '10.0.0.999' [DFW185]", run.Error);
    }

    [Fact]
    public void Live_mode_reads_the_host_s_sets_itself()
    {
        var run = Dockerfw.Run(["audit", "--netns", "nowhere", "--ipsets", _sets]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("--ipsets describes a saved host; live mode reads the host's ipsets itself", run.Error);
    }
}
