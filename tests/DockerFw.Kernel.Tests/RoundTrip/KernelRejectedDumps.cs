using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.RoundTrip;

public sealed class KernelRejectedDumps
{
    [KernelTheory]
    [MemberData(nameof(RoundTripCorpus.Rejected), MemberType = typeof(RoundTripCorpus))]
    public void Dumps_left_out_of_the_round_trip_are_ones_the_kernel_itself_refuses(string dump, string reason)
    {
        using var netns = Netns.Create();
        var restore = KernelTables.Restore(netns, Dump.Load(Corpus.PathOf(dump)));
        Assert.False(restore.Ok, $"{dump} is listed as refused by the kernel ({reason}), but it restores: add it to the round trip");
    }
}
