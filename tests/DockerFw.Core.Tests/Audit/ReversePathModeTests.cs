using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The reverse-path filter's mode as the kernel takes it (ReversePathModeKernelTests checks each row
/// with packets): the higher of <c>all</c>'s and the interface's own value, 0 off, 1 strict, any
/// other value loose. <c>default</c> decides a host interface's mode never, a container's
/// interfaces' always (they start from it in a namespace that copied the host's).
/// </summary>
public sealed class ReversePathModeTests
{
    [Theory]
    [InlineData("0", "1", "0", ReversePathMode.Off)]
    [InlineData("0", "0", "1", ReversePathMode.Strict)]
    [InlineData("1", "0", "0", ReversePathMode.Strict)]
    [InlineData("1", "0", "2", ReversePathMode.Loose)]
    [InlineData("2", "0", "1", ReversePathMode.Loose)]
    [InlineData("0", "0", "3", ReversePathMode.Loose)]
    public void A_host_interfaces_mode_is_the_higher_of_alls_and_its_own_whatever_default_says(string all, string @default, string own, ReversePathMode mode) =>
        Assert.Equal(mode, Sysctl($"net.ipv4.conf.all.rp_filter={all}", $"net.ipv4.conf.default.rp_filter={@default}", $"net.ipv4.conf.r1.rp_filter={own}").ReversePath("r1"));

    [Theory]
    [InlineData("0", null)]
    [InlineData("1", null)]
    [InlineData("2", ReversePathMode.Loose)]
    public void With_its_own_value_unknown_only_an_all_that_alone_decides_gives_a_mode(string all, ReversePathMode? mode) =>
        Assert.Equal(mode, Sysctl($"net.ipv4.conf.all.rp_filter={all}", "net.ipv4.conf.default.rp_filter=0").ReversePath("r1"));

    [Theory]
    [InlineData("0", "2", ReversePathMode.Loose)]
    [InlineData("0", "1", ReversePathMode.Strict)]
    [InlineData("2", "1", ReversePathMode.Loose)]
    [InlineData("0", "0", ReversePathMode.Off)]
    public void A_containers_interfaces_start_from_default_and_take_the_higher_of_it_and_all(string all, string @default, ReversePathMode mode) =>
        Assert.Equal(mode, Sysctl($"net.ipv4.conf.all.rp_filter={all}", $"net.ipv4.conf.default.rp_filter={@default}").ContainerReversePath);

    [Fact]
    public void A_containers_mode_is_unknown_without_both() =>
        Assert.Null(Sysctl("net.ipv4.conf.all.rp_filter=0").ContainerReversePath);
}
