namespace DockerFw.Cli.Tests.Audit;

/// <summary>The text report says a masquerade's uncertain replies beside the NAT's answer, as a maybe, never as a drop.</summary>
public sealed class MasqueradeRepliesTextTests
{
    [Fact]
    public void Replies_that_die_for_one_address_masquerade_may_give_read_uncertain_not_one_way()
    {
        // A raw PREROUTING drop of one address of the host, without its routes: MASQUERADE may give any address it has.
        var run = LabHost.Run(
            ["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json"), "--docker", LabHost.PathOf("docker-containers.json"),
             "--sysctl", "net.bridge.bridge-nf-call-iptables=1"],
            stdin: File.ReadAllText(LabHost.PathOf("iptables-save"))
                + "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -d 203.0.113.5/32 -p tcp -m tcp --sport 443 -j DROP\nCOMMIT\n");
        var text = string.Join(" ", run.Out.Split((char[])[' ', '\n', '│', '|'], StringSplitOptions.RemoveEmptyEntries));

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        Assert.Contains("(replies uncertain tcp/443: for 203.0.113.5", text, StringComparison.Ordinal);
        Assert.Contains("frontend: the replies of its masqueraded connections out tcp/443 die as they arrive for 203.0.113.5", text, StringComparison.Ordinal);
        Assert.DoesNotContain("one-way: ", text, StringComparison.Ordinal);
    }
}
