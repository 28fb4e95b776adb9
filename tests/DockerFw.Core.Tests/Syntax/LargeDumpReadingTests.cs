using System.Text;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Tests.Syntax;

public class LargeDumpReadingTests
{
    [Fact]
    public void Preparing_lines_on_a_second_core_gives_the_same_model_and_the_same_diagnostics_in_the_same_order()
    {
        var dump = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:KEEP - [0:0]\n");
        for (var i = 0; i < 5000; i++)
        {
            dump.Append((i % 10) switch
            {
                0 => $"[{i}:{i * 60}] -A INPUT -s 10.0.{i / 256 % 256}.{i % 256}/32 -j ACCEPT",
                1 => $"-A FORWARD -p tcp -m comment --comment \"quoted {i}\" -m tcp --dport {i % 65535 + 1} -j KEEP",
                2 => $"-A KEEP -m comment --comment \"esc\\\"aped {i}\" -j RETURN",
                3 => $"-A NOWHERE -j ACCEPT",
                4 => $"[bad] -A INPUT -j DROP",
                5 => $"# a comment line {i}",
                6 => $"-A FORWARD -i eth{i % 9} ! -o docker0 -j DROP",
                7 => $"  ",
                8 => $"-A INPUT --bogus {i} -j DROP",
                _ => $"-A OUTPUT -d 192.168.{i % 256}.0/24 -p udp -m udp --sport 53 -j ACCEPT",
            }).Append('\n');
        }

        var text = dump.Append("COMMIT\n-A INPUT -j DROP").ToString();

        var oneThread = IptablesSaveReader.Read(text, "large", family: null, parallelFrom: int.MaxValue);
        var twoThreads = IptablesSaveReader.Read(text, "large", family: null, parallelFrom: 0);

        Assert.NotEmpty(oneThread.Diagnostics);
        Assert.Equal(oneThread.Diagnostics.Select(d => d.Render()), twoThreads.Diagnostics.Select(d => d.Render()));
        Assert.Equal(IptablesSaveWriter.Write(oneThread.Value!), IptablesSaveWriter.Write(twoThreads.Value!));
        Assert.Equal(5000 / 10 * 5, twoThreads.Value!.Rules.Count());
    }

    [Fact]
    public void A_cr_lf_dump_read_with_a_second_core_stops_at_its_first_line_with_one_error()
    {
        var text = string.Concat(Enumerable.Repeat("-A INPUT -j ACCEPT\r\n", 20000));

        var result = IptablesSaveReader.Read(text, "crlf", family: null, parallelFrom: 0);

        Assert.Null(result.Value);
        Assert.Single(result.Diagnostics);
    }
}
