using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Apply;

/// <summary>
/// FORWARD's jump to DOCKER-USER left last, behind Docker's own ACCEPTs, as firewalld's reload left it
/// with Docker 20.10 (oracle seeds 14 and 5121, DFW603): the plan moves the jump ahead of them, real
/// packets of the pair the policy blocks stop during the confirmation wait, and the rollback gives
/// FORWARD back exactly as it was (and the pair its connection) while a container Docker published
/// during the wait keeps its port.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class ForwardJumpLabTests
{
    private const string Policy = "network shop {\n  icc off;\n  allow api -> db tcp/5432;\n}\n";

    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public ForwardJumpLabTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void The_moved_jump_blocks_the_pair_until_the_rollback_puts_forward_back_as_it_was()
    {
        lab.CreateNetwork("shop", "--subnet", "172.31.46.0/24");
        foreach (var member in (string[])["api", "db", "other"]) traffic.EchoServer(member, ["--network", "shop"], 5432);
        // What firewalld's reload left: Docker's rules first, the jump last.
        lab.MustInLab("iptables", "-D", "FORWARD", "-j", "DOCKER-USER");
        lab.MustInLab("iptables", "-A", "FORWARD", "-j", "DOCKER-USER");
        try
        {
            var forward = Forward();
            var open = Traffic.All(OtherToDb);
            bool[]? during = null;
            List<string>? moved = null;

            var (exit, output) = ApplyUnconfirmed(() =>
            {
                moved = Forward();
                during = Traffic.All(ApiToDb, OtherToDb, () => traffic.Connects("db", traffic.Ip("api", "shop"), 5432));
                traffic.EchoServer("late", ["-p", "9093:80"], 80);
            });

            Assert.Equal([true], open);
            Assert.True(exit == 2, output);
            Assert.Contains("(and FORWARD's jump to DOCKER-USER, back after the rule it followed)", output, StringComparison.Ordinal);
            Assert.Equal(["-A FORWARD -j DOCKER-USER", .. forward.Where(r => r != "-A FORWARD -j DOCKER-USER")], moved!);
            Assert.Equal([true, false, false], during!);
            Assert.Equal(forward, Forward());
            Assert.Equal([true, true], Traffic.All(ApiToDb, OtherToDb));
            Assert.True(traffic.ConnectsFromOutside(LabDaemon.UplinkAddress, 9093), lab.MustInLab("iptables-save", "-t", "filter"));
        }
        finally
        {
            // Where Docker keeps it, for the next test of the lab.
            lab.MustInLab("iptables", "-D", "FORWARD", "-j", "DOCKER-USER");
            lab.MustInLab("iptables", "-I", "FORWARD", "1", "-j", "DOCKER-USER");
        }
    }

    private bool ApiToDb() => traffic.Connects("api", traffic.Ip("db", "shop"), 5432);

    private bool OtherToDb() => traffic.Connects("other", traffic.Ip("db", "shop"), 5432);

    private List<string> Forward() =>
        [.. lab.MustInLab("iptables", "-S", "FORWARD").Split('\n').Where(l => l.StartsWith("-A FORWARD", StringComparison.Ordinal))];

    private (int Exit, string Output) ApplyUnconfirmed(Action meanwhile) => UnconfirmedApply.Run(lab, Policy, meanwhile);
}
