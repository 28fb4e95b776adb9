using System.Text;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// Seeded mutations of a valid dump that stay close to valid, the way hand edits and other tools go
/// wrong: a token dropped, replaced, repeated or swapped, a line repeated or lost, a digit changed,
/// a stray character. Most mutants are then near the edge of what restore takes.
/// </summary>
internal static class DumpMutator
{
    private static readonly string[] Pieces =
    [
        "!", "\"", "-", "--", "/", ",", ":", "[0:0]", "[1:2]", "[-1:0]", "[0:0:0]", "-", "ACCEPT", "DROP", "RETURN",
        "-A", "-s", "-d", "-i", "-o", "-p", "-f", "-m", "-j", "-g", "-c", "0", "00", "010", "1", "65535", "65536",
        "tcp", "udp", "icmp", "ipv6-icmp", "all", "comment", "--comment", "--dport", "--sport", "--syn", "--ctstate",
        "--to-destination", "--to-source", "--reject-with", "DNAT", "SNAT", "MASQUERADE", "MARK", "LOG", "REJECT",
        "INPUT", "FORWARD", "OUTPUT", "DOCKER", "DOCKER-USER", "10.0.0.1", "10.0.0.1/8", "10.0.0.1/0x10", "::1", "fe80::/10",
        "1:", ":2", "0x1", "0x1/0xff", "NEW", "ESTABLISHED", "eth0", "eth+", "docker0", "conntrack", "state", "multiport",
    ];

    public static string Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        for (var n = random.Next(1, 3); n > 0; n--)
        {
            var index = random.Next(lines.Count);
            var tokens = lines[index].Split(' ').ToList();
            var at = random.Next(tokens.Count);
            switch (random.Next(9))
            {
                case 0:
                    if (tokens.Count > 1) tokens.RemoveAt(at);
                    break;
                case 1:
                    tokens[at] = Pieces[random.Next(Pieces.Length)];
                    break;
                case 2:
                    tokens.Insert(at, Pieces[random.Next(Pieces.Length)]);
                    break;
                case 3:
                    var other = random.Next(tokens.Count);
                    (tokens[at], tokens[other]) = (tokens[other], tokens[at]);
                    break;
                case 4:
                    tokens[at] = ChangeCharacter(tokens[at], random);
                    break;
                case 5:
                    lines.Insert(index, lines[index]);
                    continue;
                case 6:
                    lines.RemoveAt(index);
                    if (lines.Count == 0) lines.Add("");
                    continue;
                case 7:
                    tokens.Insert(at, tokens[at]);
                    break;
                default:
                    tokens[at] = tokens[at].Insert(random.Next(tokens[at].Length + 1), ((char)random.Next(32, 127)).ToString());
                    break;
            }

            lines[index] = string.Join(' ', tokens);
        }

        return string.Join('\n', lines);
    }

    /// <summary>One character of a token changed into a near one: a digit into another, a letter's case.</summary>
    private static string ChangeCharacter(string token, Random random)
    {
        if (token.Length == 0) return token;
        var builder = new StringBuilder(token);
        var i = random.Next(token.Length);
        var c = token[i];
        builder[i] = char.IsAsciiDigit(c) ? (char)('0' + random.Next(10))
            : char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c)
            : char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c)
            : "x.:/-0"[random.Next(6)];
        return builder.ToString();
    }
}
