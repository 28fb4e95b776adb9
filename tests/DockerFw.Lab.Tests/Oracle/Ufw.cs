using System.Text;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The real ufw (Debian's package) run inside a lab's host namespace, so that the oracle meets rules
/// written by a program we did not write. ufw keeps its state in <c>/etc/ufw</c> and
/// <c>/etc/default/ufw</c>: each call runs in a mount namespace of its own (<c>ip netns exec</c> makes
/// one, private to the call) with the lab's copy bound over both, so the machine's ufw files are never
/// written and its own firewall never touched. The copy starts from the package's templates, not from
/// /etc, so that an admin's rules on this machine do not leak into a scenario.
/// </summary>
public static class Ufw
{
    private const string Binary = "/usr/sbin/ufw";
    private const string Templates = "/usr/share/ufw";

    // Debian's /etc/default/ufw as the package ships it (a conffile: the machine's may be edited).
    private const string Defaults = """
        IPV6=yes
        DEFAULT_INPUT_POLICY="DROP"
        DEFAULT_OUTPUT_POLICY="ACCEPT"
        DEFAULT_FORWARD_POLICY="DROP"
        DEFAULT_APPLICATION_POLICY="SKIP"
        MANAGE_BUILTINS=no
        IPT_SYSCTL=/etc/ufw/sysctl.conf
        IPT_MODULES=""

        """;

    // The settings Debian's /etc/ufw/sysctl.conf sets (a conffile too); in the namespace they are its own.
    private const string Sysctls = """
        net/ipv4/conf/all/accept_redirects=0
        net/ipv4/conf/default/accept_redirects=0
        net/ipv6/conf/all/accept_redirects=0
        net/ipv6/conf/default/accept_redirects=0
        net/ipv4/icmp_echo_ignore_broadcasts=1
        net/ipv4/icmp_ignore_bogus_error_responses=1
        net/ipv4/icmp_echo_ignore_all=0
        net/ipv4/conf/all/log_martians=0
        net/ipv4/conf/default/log_martians=0

        """;

    private static readonly string[] PrivateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

    public static void Run(OracleLab lab, params string[] arguments)
    {
        var (etc, defaults) = Config(lab);
        var script = $"mount --bind '{etc}' /etc/ufw && mount --bind '{defaults}' /etc/default/ufw && exec {Binary} \"$@\"";
        var r = Processes.Run("ip", ["netns", "exec", lab.Netns, "sh", "-c", script, "ufw", .. arguments], TimeSpan.FromSeconds(60));
        if (!r.Ok) throw new InvalidOperationException($"ufw {string.Join(' ', arguments)}: {r}");
    }

    /// <summary>Turns ufw on, or reloads it when it is on (its rule files changed, or a default did).</summary>
    public static void Enable(OracleLab lab)
    {
        var (etc, _) = Config(lab);
        var on = File.ReadAllLines(Path.Combine(etc, "ufw.conf")).Contains("ENABLED=yes");
        if (on) Run(lab, "reload");
        else Run(lab, "--force", "enable");
    }

    /// <summary>
    /// The "ufw and Docker" recipe that guides and answers on the web publish for after.rules:
    /// DOCKER-USER sends forwarded traffic through ufw's route rules first, returns traffic from private
    /// sources (containers, the LAN) and DNS answers to Docker's rules, and drops new TCP connections and
    /// low UDP ports from anywhere else to private addresses. Written here from its description; ufw
    /// loads it with <c>iptables-restore -n</c>, which empties DOCKER-USER first.
    /// </summary>
    public static void AppendDockerRecipe(OracleLab lab)
    {
        var (etc, _) = Config(lab);
        var text = new StringBuilder("\n*filter\n:ufw-user-forward - [0:0]\n:ufw-docker-logging-deny - [0:0]\n:DOCKER-USER - [0:0]\n");
        text.Append("-A DOCKER-USER -j ufw-user-forward\n");
        foreach (var range in PrivateRanges) text.Append($"-A DOCKER-USER -j RETURN -s {range}\n");
        text.Append("-A DOCKER-USER -p udp -m udp --sport 53 --dport 1024:65535 -j RETURN\n");
        foreach (var range in PrivateRanges.Reverse())
            text.Append($"-A DOCKER-USER -j ufw-docker-logging-deny -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d {range}\n");
        foreach (var range in PrivateRanges.Reverse())
            text.Append($"-A DOCKER-USER -j ufw-docker-logging-deny -p udp -m udp --dport 0:32767 -d {range}\n");
        text.Append("-A DOCKER-USER -j RETURN\n");
        text.Append("-A ufw-docker-logging-deny -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix \"[UFW DOCKER BLOCK] \"\n");
        text.Append("-A ufw-docker-logging-deny -j DROP\nCOMMIT\n");
        File.AppendAllText(Path.Combine(etc, "after.rules"), text.ToString());
    }

    private static (string Etc, string Defaults) Config(OracleLab lab)
    {
        var root = Path.Combine(lab.WorkDir, "ufw");
        var etc = Path.Combine(root, "etc-ufw");
        var defaults = Path.Combine(root, "default-ufw");
        if (Directory.Exists(etc)) return (etc, defaults);
        if (!File.Exists(Binary) || !Directory.Exists("/etc/ufw"))
            throw new InvalidOperationException("ufw is not installed (apt-get install ufw; .ci/run installs it): the scenario enables it on the lab host");
        Directory.CreateDirectory(Path.Combine(etc, "applications.d"));
        foreach (var file in Directory.GetFiles(Path.Combine(Templates, "iptables")))
            File.Copy(file, Path.Combine(etc, Path.GetFileName(file)));
        foreach (var name in new[] { "before.init", "after.init", "ufw.conf" })
            File.Copy(Path.Combine(Templates, name), Path.Combine(etc, name));
        File.WriteAllText(Path.Combine(etc, "sysctl.conf"), Sysctls);
        File.WriteAllText(defaults, Defaults);
        return (etc, defaults);
    }
}
