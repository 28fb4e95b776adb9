using System.Text;
using DockerFw.Core.Model;

namespace DockerFw.Kernel.Tests.Harness;

/// <summary>
/// Builds iptables-restore text from short lines <c>TABLE -A CHAIN ...</c> or <c>TABLE -P CHAIN
/// POLICY</c>: every table gets its built-in chains (ACCEPT unless set), and every chain a rule is
/// appended to or jumps to is declared.
/// </summary>
internal static class RulesetText
{
    public static string Build(IEnumerable<string> lines)
    {
        var parsed = lines.Select(line => line.Split(' ', 2)).Select(p => (Table: p[0], Body: p[1])).ToList();
        var text = new StringBuilder();
        foreach (var table in Table.KnownNames.Where(t => t != "security" && parsed.Any(p => p.Table == t)))
        {
            var bodies = parsed.Where(p => p.Table == table).Select(p => p.Body).ToList();
            var builtIn = Table.BuiltInChainsOf(table);
            text.Append('*').Append(table).Append('\n');
            foreach (var chain in builtIn)
            {
                var policy = bodies.LastOrDefault(b => b.StartsWith($"-P {chain} ", StringComparison.Ordinal))?.Split(' ')[2] ?? "ACCEPT";
                text.Append($":{chain} {policy} [0:0]\n");
            }
            var userChains = bodies.Where(b => b.StartsWith("-A ", StringComparison.Ordinal))
                .SelectMany(b => new[] { b.Split(' ')[1], JumpTarget(b) })
                .OfType<string>()
                .Where(c => !builtIn.Contains(c))
                .Distinct();
            foreach (var chain in userChains) text.Append($":{chain} - [0:0]\n");
            foreach (var rule in bodies.Where(b => b.StartsWith("-A ", StringComparison.Ordinal))) text.Append(rule).Append('\n');
            text.Append("COMMIT\n");
        }
        return text.ToString();
    }

    // A user chain is named in capitals that are not a built-in target's name.
    private static string? JumpTarget(string rule)
    {
        var words = rule.Split(' ');
        var at = Array.FindIndex(words, w => w is "-j" or "-g");
        if (at < 0 || at + 1 >= words.Length) return null;
        var target = words[at + 1];
        return target.All(c => char.IsUpper(c) || c == '-' || c == '_' || char.IsDigit(c)) && !KnownTargets.Contains(target) ? target : null;
    }

    private static readonly HashSet<string> KnownTargets =
    [
        "ACCEPT", "DROP", "REJECT", "RETURN", "DNAT", "SNAT", "MASQUERADE", "REDIRECT", "MARK", "CONNMARK",
        "LOG", "NOTRACK", "CT", "TCPMSS", "CHECKSUM", "NFLOG", "TRACE", "TOS", "DSCP", "TTL",
    ];
}
