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
    public void Binding_on_two_cores_numbers_each_chain_and_checks_each_block_as_one_pass_does()
    {
        // Batches of lines are bound on two cores against the chains declared on earlier lines; this dump's
        // answers depend on line order everywhere: chains declared between rules, a chain whose rules are spread
        // over the whole block, a loop and a hooked target found at COMMIT, counters that decide at the end
        // whether the policies' missing counters are errors, a block cut short by the next '*', a skipped table.
        var dump = new StringBuilder("*filter\n:INPUT ACCEPT\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        for (var i = 0; i < 3000; i++)
        {
            if (i == 1000) dump.Append(":LATE - [0:0]\n:LOOP - [0:0]\n");
            dump.Append((i % 7) switch
            {
                // Before line 1000 these fail (LATE not declared yet), after it they load and are numbered in LATE.
                0 => $"-A LATE -s 10.1.{i / 256 % 256}.{i % 256} -j RETURN",
                1 => $"-A INPUT -p tcp -m tcp --dport {i % 65535 + 1} -j LATE",
                2 => $"[{i}:{i}] -A OUTPUT -d 10.2.{i / 256 % 256}.{i % 256} -j ACCEPT",
                3 => i == 2005 ? "-A LOOP -j INPUT" : "-A FORWARD -i br-" + i + " -j ACCEPT",
                4 => i == 2006 ? "-A INPUT -j LOOP\n-A LOOP -j LOOP" : $"-A INPUT -m comment --comment \"c {i}\" -j ACCEPT",
                5 => i == 502 ? "*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT" : $"-A FORWARD -o eth{i % 5} -j DROP",
                _ => $"-A INPUT -p udp --sport {i % 65535 + 1} -j ACCEPT",
            }).Append('\n');
        }

        dump.Append("COMMIT\n*bogus\n-A X -j Y\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:DNATS - [0:0]\n");
        for (var i = 0; i < 2000; i++)
            dump.Append(i % 2 == 0 ? $"-A DNATS -p tcp -j DNAT --to-destination 10.3.0.{i % 250 + 1}:80\n" : $"-A PREROUTING -d 10.4.0.{i % 250 + 1} -j DNATS\n");
        var text = dump.Append("-A POSTROUTING -j DNATS\nCOMMIT\n").ToString();

        var oneThread = IptablesSaveReader.Read(text, "order", family: null, parallelFrom: int.MaxValue);
        var twoThreads = IptablesSaveReader.Read(text, "order", family: null, parallelFrom: 0);

        Assert.Contains(oneThread.Diagnostics, d => d.Render().Contains("LATE", StringComparison.Ordinal));
        Assert.Contains(oneThread.Diagnostics, d => d.Render().Contains("LOOP", StringComparison.Ordinal));
        Assert.Contains(oneThread.Diagnostics, d => d.Render().Contains("DNAT", StringComparison.Ordinal));
        Assert.Contains(oneThread.Diagnostics, d => d.Render().Contains("bogus", StringComparison.Ordinal));
        Assert.Equal(oneThread.Diagnostics.Select(d => d.Render()), twoThreads.Diagnostics.Select(d => d.Render()));
        Assert.Equal(IptablesSaveWriter.Write(oneThread.Value!), IptablesSaveWriter.Write(twoThreads.Value!));
    }

    [Fact]
    public void Chain_lines_among_the_rule_lines_of_one_large_block_are_seen_by_the_lines_after_them_only()
    {
        // The second core binds a block's rule lines while the first pass reads on; a chain line later in the block
        // holds it back while the chains change. Here sixty such lines, each a new chain (the chains' table grows
        // while rules are bound), each jumped to from the lines before it (which fail) and after it (which load).
        var dump = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        for (var i = 0; i < 18000; i++)
        {
            if (i % 300 == 150) dump.Append($":C{i / 300} - [0:0]\n");
            dump.Append($"-A FORWARD -s 10.{i / 65536}.{i / 256 % 256}.{i % 256} -p tcp --dport {i % 65535 + 1} -j C{i / 300}\n");
        }

        var text = dump.Append("COMMIT\n").ToString();

        var oneThread = IptablesSaveReader.Read(text, "late", family: null, parallelFrom: int.MaxValue);
        var twoThreads = IptablesSaveReader.Read(text, "late", family: null, parallelFrom: 0);

        Assert.Equal(18000 / 2, oneThread.Diagnostics.Length);
        Assert.Equal(oneThread.Diagnostics.Select(d => d.Render()), twoThreads.Diagnostics.Select(d => d.Render()));
        Assert.Equal(IptablesSaveWriter.Write(oneThread.Value!), IptablesSaveWriter.Write(twoThreads.Value!));
    }

    [Fact]
    public void A_chain_whose_rules_run_over_many_batches_between_other_chains_and_after_failed_lines_is_numbered_in_line_order()
    {
        var dump = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n");
        for (var i = 0; i < 4000; i++)
            // Every 997th line fails, so the rules after it in its chain take the numbers the first pass counted for them less one.
            dump.Append(i % 997 == 1 ? "-A A --bogus -j B\n" : i % 3 == 0 ? "[1:2]  -A B -j RETURN\n" : i % 1000 < 600 ? $"-A A -s 10.0.{i / 256 % 256}.{i % 256} -j B\n" : $"-A INPUT -p tcp --dport {i} -j A\n");
        var text = dump.Append("COMMIT\n").ToString();

        var oneThread = IptablesSaveReader.Read(text, "numbers", family: null, parallelFrom: int.MaxValue).Value!;
        var twoThreads = IptablesSaveReader.Read(text, "numbers", family: null, parallelFrom: 0).Value!;

        Assert.Equal(4000 - 5, twoThreads.Rules.Count());
        static IEnumerable<string> Places(Core.Model.Ruleset rules) => rules.Rules.Select(r => $"{r.Chain} {r.Number} {r.Span}");
        Assert.Equal(Places(oneThread), Places(twoThreads));
        Assert.All(twoThreads.Tables.Single().Chains, chain => Assert.Equal(Enumerable.Range(1, chain.Rules.Length), chain.Rules.Select(r => r.Number)));
        Assert.Equal(IptablesSaveWriter.Write(oneThread), IptablesSaveWriter.Write(twoThreads));
    }

    [Fact]
    public void A_cr_lf_dump_read_with_a_second_core_stops_at_its_first_line_with_one_error()
    {
        var text = string.Concat(Enumerable.Repeat("-A INPUT -j ACCEPT\r\n", 20000));

        var result = IptablesSaveReader.Read(text, "crlf", family: null, parallelFrom: 0);

        Assert.Null(result.Value);
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void A_dump_of_many_blocks_bound_on_a_second_core_while_it_is_read_gives_what_one_pass_gives()
    {
        // The second core binds a block's lines once the first pass has left the block, while it reads the next ones:
        // here blocks of every size (some shorter than a batch, some longer), each declaring a chain between its rules,
        // jumping to a chain only a later block of the same table declares, failing lines, a block cut short by the
        // next '*' and a skipped table, so every answer depends on which lines were read before which.
        var dump = new StringBuilder();
        for (var block = 0; block < 80; block++)
        {
            dump.Append(block % 9 == 4 ? "*bogus\n-A X -j Y\nCOMMIT\n" : "");
            dump.Append("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n");
            var rules = 7 + block * 37 % 400;
            for (var i = 0; i < rules; i++)
            {
                if (i == rules / 2) dump.Append($":MID{block} - [0:0]\n");
                dump.Append((i % 6) switch
                {
                    0 => $"-A MID{block} -s 10.{block}.{i / 256 % 256}.{i % 256} -j RETURN",
                    1 => $"-A INPUT -p tcp -m tcp --dport {i + 1} -j MID{block}",
                    2 => $"-A FORWARD -j MID{block + 1}",
                    3 => i % 5 == 0 ? "-A INPUT --bogus -j DROP" : $"-A OUTPUT -d 10.2.{block}.{i % 256} -j ACCEPT",
                    4 => $"[{i}:{block}] -A INPUT -m comment --comment \"b {block}\" -j ACCEPT",
                    _ => $"-A FORWARD -i br-{block}-{i} ! -o docker0 -j DROP",
                }).Append('\n');
            }

            dump.Append(block % 13 == 6 ? "" : "COMMIT\n");
        }

        var text = dump.ToString();

        var oneThread = IptablesSaveReader.Read(text, "blocks", family: null, parallelFrom: int.MaxValue);
        var twoThreads = IptablesSaveReader.Read(text, "blocks", family: null, parallelFrom: 0);

        Assert.Contains(oneThread.Diagnostics, d => d.Render().Contains("MID1", StringComparison.Ordinal));
        Assert.Contains(oneThread.Diagnostics, d => d.Render().Contains("bogus", StringComparison.Ordinal));
        Assert.Equal(oneThread.Diagnostics.Select(d => d.Render()), twoThreads.Diagnostics.Select(d => d.Render()));
        Assert.Equal(IptablesSaveWriter.Write(oneThread.Value!), IptablesSaveWriter.Write(twoThreads.Value!));
    }
}
