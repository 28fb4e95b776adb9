using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// Loops of jumps: the kernel refuses a table whose built-in chains reach one (ELOOP) and loads a
/// loop nothing reaches; so does the reader (tests/DockerFw.Kernel.Tests loads the same dumps).
/// </summary>
public class JumpLoopTests
{
    private static string Render(string text) =>
        string.Join("\n", IptablesSaveReader.Read(text, "t").Diagnostics.Select(d => d.Render()));

    [Fact]
    public void A_chain_that_jumps_to_itself_is_refused_at_the_jump()
    {
        const string dump = "*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n-A INPUT -j A\n-A A -g A\nCOMMIT\n";
        Assert.Equal("t:5:9: error: expected no loop of jumps in table 'filter' (the kernel refuses it: ELOOP, 'Too many links'), but this jump closes the loop A -> A [DFW111]", Render(dump));
    }

    [Fact]
    public void A_loop_through_two_chains_names_each_chain()
    {
        const string dump = "*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -j B\n-A B -s 10.0.0.1/32 -j A\nCOMMIT\n";
        Assert.Equal("t:7:24: error: expected no loop of jumps in table 'filter' (the kernel refuses it: ELOOP, 'Too many links'), but this jump closes the loop A -> B -> A [DFW111]", Render(dump));
    }

    [Fact]
    public void A_loop_through_docker_user_and_the_isolation_chains_is_refused()
    {
        const string dump = """
            *filter
            :FORWARD DROP [0:0]
            :DOCKER-USER - [0:0]
            :DOCKER-ISOLATION-STAGE-1 - [0:0]
            :DOCKER-ISOLATION-STAGE-2 - [0:0]
            -A FORWARD -j DOCKER-USER
            -A FORWARD -j DOCKER-ISOLATION-STAGE-1
            -A DOCKER-USER -j RETURN
            -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
            -A DOCKER-ISOLATION-STAGE-2 -o br-1 -j DOCKER-USER
            -A DOCKER-USER -o br-2 -j DOCKER-ISOLATION-STAGE-1
            COMMIT

            """;
        Assert.Equal("t:10:40: error: expected no loop of jumps in table 'filter' (the kernel refuses it: ELOOP, 'Too many links'), but this jump closes the loop DOCKER-USER -> DOCKER-ISOLATION-STAGE-1 -> DOCKER-ISOLATION-STAGE-2 -> DOCKER-USER [DFW111]", Render(dump));
    }

    [Fact]
    public void A_loop_no_built_in_chain_reaches_is_loaded_as_the_kernel_loads_it()
    {
        const string dump = "*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A A -j B\n-A B -j A\nCOMMIT\n";
        Assert.Equal("", Render(dump));
    }

    [Fact]
    public void A_chain_reached_twice_without_a_loop_is_not_one()
    {
        const string dump = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A INPUT -j B\n-A FORWARD -j A\n-A A -j B\n-A A -j B\nCOMMIT\n";
        Assert.Equal("", Render(dump));
    }

    [Fact]
    public void A_very_long_chain_of_jumps_is_walked_without_recursion()
    {
        const int depth = 100_000;
        var text = new System.Text.StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n");
        for (var i = 0; i < depth; i++) text.Append($":C{i} - [0:0]\n");
        text.Append("-A INPUT -j C0\n");
        for (var i = 0; i < depth - 1; i++) text.Append($"-A C{i} -j C{i + 1}\n");
        text.Append($"-A C{depth - 1} -j C0\nCOMMIT\n");
        Assert.Contains($"C0 -> C1 -> C2 -> C3 -> ({depth - 6} more) -> C{depth - 2} -> C{depth - 1} -> C0 [DFW111]", Render(text.ToString()));
    }
}
