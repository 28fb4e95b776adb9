using System.Text;

namespace DockerFw.Cli.Capture;

/// <summary>
/// Names a bundle's files for what they hold (<c>iptables-save.txt</c>, <c>docker/networks.json</c>),
/// so that a person, or a SARIF result, can point into them; a name is never reused.
/// </summary>
internal sealed class BundleFileNames
{
    private readonly HashSet<string> taken = new(StringComparer.Ordinal) { BundleManifest.FileName };

    /// <summary>The file of a command's stdout; its stderr goes beside it, with <c>.stderr</c> added.</summary>
    public string ForCommand(IReadOnlyList<string> command, string? netns)
    {
        // Every command of a capture runs in its namespace: the prefix says nothing about the file.
        var tool = netns is not null && command.Count > 4 && command[0] == "ip" && command[1] == "netns" && command[2] == "exec" && command[3] == netns
            ? command.Skip(4).ToList()
            : command.ToList();
        var name = tool switch
        {
            [var save] when save.EndsWith("-save", StringComparison.Ordinal) => save + ".txt",
            ["nft", "-j", "list", "ruleset"] => "nft-ruleset.json",
            ["ip", "-d", "-j", "addr", "show"] => "ip-addr.json",
            ["ip", "-d", "-j", "link", "show"] => "ip-link.json",
            ["ip", "-4", "-j", "route", "show", "table", "all"] => "ip-route-v4.json",
            ["ip", "-6", "-j", "route", "show", "table", "all"] => "ip-route-v6.json",
            // The policy rules, which tables a route lookup asks (read beside the routes). A bundle of an
            // older dockerfw holds them under commands/; its manifest still maps the command to that file.
            ["ip", "-4", "-j", "rule", "show"] => "ip-rule-v4.json",
            ["ip", "-6", "-j", "rule", "show"] => "ip-rule-v6.json",
            ["grep", "-H", "-s", ".", ..] => "sysctls.txt",
            ["grep", "-s", "^", Live.FlannelEnvFile.Path] => "flannel-subnet.env",
            // The containers' own routes, /proc/PID/net/route and ipv6_route (Live/ContainerRoutesReader.cs).
            ["grep", "-s", "-H", "^", ..] => "container-routes.txt",
            ["ss", "-Hltunp"] => "ss-listening.txt",
            ["ipset", "save"] => "ipset-save.txt",
            ["ps", ..] => "ps-proxies.txt",
            _ => "commands/" + Slug(string.Join('-', tool)) + ".txt",
        };
        return Unique(name);
    }

    /// <summary>The file of an Engine answer: <c>docker/</c> and the API path.</summary>
    public string ForRequest(string path)
    {
        var name = path.Split('/') switch
        {
            ["networks"] => "docker/networks.json",
            ["containers", "json?all=1"] => "docker/containers.json",
            ["networks", var id] => $"docker/networks/{Slug(Uri.UnescapeDataString(id))}.json",
            ["containers", var id, "json"] => $"docker/containers/{Slug(Uri.UnescapeDataString(id))}.json",
            _ => "docker/" + Slug(path) + ".json",
        };
        return Unique(name);
    }

    public string Stderr(string stdoutFile) => Unique(stdoutFile + ".stderr");

    private string Unique(string name)
    {
        var candidate = name;
        var dot = name.LastIndexOf('.');
        for (var n = 2; !taken.Add(candidate); n++)
            candidate = dot > name.LastIndexOf('/') ? $"{name[..dot]}-{n}{name[dot..]}" : $"{name}-{n}";
        return candidate;
    }

    // A file name from anything: letters, digits, '.', '-' and '_' stay, the rest becomes '_', a
    // leading dot too (no "..", no hidden file), and it stays short.
    private static string Slug(string text)
    {
        var slug = new StringBuilder();
        foreach (var c in text.Take(100))
            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && slug.Length > 0) ? c : '_');
        return slug.Length == 0 ? "_" : slug.ToString();
    }
}
