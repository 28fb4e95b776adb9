using DockerFw.Core.Host;

namespace DockerFw.Tests.Host;

public sealed class ProxyListingReaderTests
{
    [Fact]
    public void Sockets_of_docker_proxy_take_their_container_from_the_arguments_of_the_same_pid_and_other_processes_are_skipped()
    {
        var read = ProxyListingReader.Read(
            """
            tcp   LISTEN 0 4096 0.0.0.0:8080 0.0.0.0:* users:(("docker-proxy",pid=12,fd=4))
            udp   UNCONN 0 0    [::]:5353    [::]:*    users:(("docker-proxy",pid=13,fd=4))
            tcp   LISTEN 0 128  0.0.0.0:22   0.0.0.0:* users:(("sshd",pid=7,fd=3))
            12 /usr/sbin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80
            7 /usr/sbin/sshd -D
            """, "p.txt");

        Assert.Empty(read.Diagnostics);
        Assert.Equal(["tcp 0.0.0.0:8080 -> 172.17.0.2:80", "udp [::]:5353"], read.Value!.Listeners.Select(l => l.ToString()));
        Assert.Equal(ProxyOrigin.Read, read.Value.Origin);
    }

    [Fact]
    public void Arguments_alone_are_listeners_with_their_containers()
    {
        var read = ProxyListingReader.Read("/usr/bin/docker-proxy -proto udp -host-ip 127.0.0.1 -host-port 53 -container-ip fd00::2 -container-port 53\n", "p.txt");

        var listener = Assert.Single(read.Value!.Listeners);
        Assert.Equal("udp 127.0.0.1:53 -> [fd00::2]:53", listener.ToString());
        Assert.True(listener.OnLoopback);
        Assert.Null(listener.Pid);
    }

    [Theory]
    [InlineData("*:8080", "[::]:8080")]
    [InlineData("[::ffff:192.0.2.7]:8080", "192.0.2.7:8080")]
    [InlineData("127.0.0.1%lo:8080", "127.0.0.1:8080")]
    public void Socket_addresses_as_ss_prints_them(string local, string endpoint)
    {
        var read = ProxyListingReader.Read($"LISTEN 0 4096 {local} *:* users:((\"docker-proxy\",pid=1,fd=4))", "p.txt");

        Assert.Equal(endpoint, Assert.Single(read.Value!.Listeners).Endpoint);
    }

    [Fact]
    public void A_listing_without_processes_asks_for_ss_p()
    {
        var read = ProxyListingReader.Read("tcp LISTEN 0 4096 0.0.0.0:8080 0.0.0.0:*\n", "p.txt");

        Assert.Equal("p.txt:1:1: error: expected the process of each socket (run ss with -p: 'ss -Hltunp'), but got 'tcp LISTEN 0 4096 0.0.0.0:8080 0.0.0.0:*' [DFW191]",
            Assert.Single(read.Diagnostics).Render());
    }

    [Fact]
    public void A_kernel_socket_without_a_process_beside_others_that_have_one_is_skipped()
    {
        var read = ProxyListingReader.Read("udp UNCONN 0 0 0.0.0.0:51820 0.0.0.0:*\ntcp LISTEN 0 4096 0.0.0.0:8080 0.0.0.0:* users:((\"docker-proxy\",pid=1,fd=4))\n", "p.txt");

        Assert.Empty(read.Diagnostics);
        Assert.Single(read.Value!.Listeners);
    }

    [Fact]
    public void Other_text_and_bad_arguments_are_errors_with_their_line()
    {
        Assert.Equal("p.txt:2:1: error: expected a line of 'ss -Hltunp' or of 'ps -ww -o pid=,args=', but got 'hello world' [DFW190]",
            Assert.Single(ProxyListingReader.Read("\nhello world\n", "p.txt").Diagnostics).Render());
        Assert.Equal("p.txt:1:1: error: expected docker-proxy's -container-ip to be an address, but got 'x' [DFW192]",
            Assert.Single(ProxyListingReader.Read("1 /usr/bin/docker-proxy -host-port 80 -container-ip x -container-port 80", "p.txt").Diagnostics).Render());
    }
}
