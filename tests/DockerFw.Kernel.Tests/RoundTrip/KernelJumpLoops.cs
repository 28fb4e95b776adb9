using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.RoundTrip;

/// <summary>
/// Loops of jumps, loaded for real (not --test, which never reaches the kernel's loop check) into
/// a namespace of our own with both back ends: dockerfw refuses exactly the dumps the kernel refuses.
/// </summary>
public sealed class KernelJumpLoops
{
    public static TheoryData<string, string> Dumps => new()
    {
        { "self goto", "*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n-A INPUT -j A\n-A A -g A\nCOMMIT\n" },
        { "A -> B -> A", "*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -j B\n-A B -j A\nCOMMIT\n" },
        { "loop in nat", "*nat\n:PREROUTING ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A PREROUTING -j A\n-A A -j B\n-A B -j A\nCOMMIT\n" },
        { "unreachable loop", "*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A A -j B\n-A B -j A\nCOMMIT\n" },
        { "diamond", "*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n:C - [0:0]\n-A INPUT -j A\n-A INPUT -j B\n-A A -j C\n-A B -j C\nCOMMIT\n" },
    };

    [KernelTheory]
    [MemberData(nameof(Dumps))]
    public void Dockerfw_refuses_a_loop_exactly_when_the_kernel_does(string name, string text)
    {
        var ours = IptablesSaveReader.Read(text, name).Succeeded;
        foreach (var legacy in new[] { true, false })
        {
            using var netns = Netns.Create();
            var kernel = netns.ExecWithInput(text, legacy ? "iptables-legacy-restore" : "iptables-nft-restore").Ok;
            Assert.True(ours == kernel, $"{name}: dockerfw {(ours ? "accepts" : "refuses")}, {(legacy ? "legacy" : "nft")} {(kernel ? "loads" : "refuses")} it");
        }
    }
}
