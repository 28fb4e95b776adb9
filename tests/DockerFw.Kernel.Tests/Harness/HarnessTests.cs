namespace DockerFw.Kernel.Tests.Harness;

public sealed class HarnessTests
{
    [KernelFact]
    public void A_namespace_exists_while_in_use_and_is_deleted_on_dispose()
    {
        string name;
        using (var netns = Netns.Create())
        {
            name = netns.Name;
            Assert.StartsWith(Netns.Prefix, name);
            Assert.Contains(name, Processes.Run("ip", ["netns", "list"]).Out);
        }
        Assert.DoesNotContain(name, Processes.Run("ip", ["netns", "list"]).Out);
    }

    [KernelFact]
    public void Rules_restored_with_counters_come_back_with_them_numbered_per_chain()
    {
        using var netns = Netns.Create();
        var dump = Dump.Of("t.iptables-save", """
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :MINE - [0:0]
            [3:180] -A INPUT -j MINE
            [0:0] -A INPUT -p udp
            [7:420] -A MINE -p tcp
            COMMIT

            """);
        KernelTables.Restore(netns, dump).EnsureOk();

        var saved = KernelTables.Save(netns, dump);

        Assert.Equal(
            new Dictionary<CountedRule, ulong>
            {
                [new("filter", "INPUT", 1)] = 3,
                [new("filter", "INPUT", 2)] = 0,
                [new("filter", "MINE", 1)] = 7,
            },
            RuleCounters.PacketsOf(saved));
    }
}
