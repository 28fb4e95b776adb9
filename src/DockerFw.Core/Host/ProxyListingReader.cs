using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Host;

/// <summary>
/// Reads which docker-proxy processes listen on the host: the sockets of <c>ss -Hltunp</c> (run in
/// the host's namespace: which ports are served there, and by which pid) and the arguments of
/// <c>ps -ww -o pid=,args=</c> (docker-proxy's <c>-host-ip</c>, <c>-host-port</c>,
/// <c>-container-ip</c>, <c>-container-port</c>: where it sends them). Either may come alone: with
/// sockets, only those of docker-proxy count and the arguments complete them by pid; with arguments
/// alone, each docker-proxy is a listener. Other processes' lines are skipped.
/// </summary>
public static partial class ProxyListingReader
{
    private const string Program = "docker-proxy";

    public static ParseResult<ProxyListeners> Read(string text, string file)
    {
        var sockets = new List<ProxyListener>();
        var processes = new List<ProxyListener>();
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        // Kernel sockets (WireGuard's, say) have no process: only a listing where none has one lacks -p.
        var withoutProcess = new List<Diagnostic>();
        var withProcess = false;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var at = new SourceSpan(file, i + 1, 1);
            var tokens = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var state = Array.FindIndex(tokens, t => t is "LISTEN" or "UNCONN");
            if (state >= 0 && state <= 1 && tokens.Length > state + 3)
            {
                if (!line.Contains("users:((", StringComparison.Ordinal)) withoutProcess.Add(ProxyMessages.NoProcess(at, line));
                else if (Socket(tokens, state, line, at, diagnostics, ref withProcess) is { } socket) sockets.Add(socket);
            }
            else if (Arguments(tokens, at, diagnostics, out var listener))
            {
                if (listener is not null) processes.Add(listener);
            }
            else diagnostics.Add(ProxyMessages.NotAListing(at, line));
        }

        if (!withProcess && withoutProcess.Count > 0) diagnostics.Add(withoutProcess[0]);
        if (diagnostics.Count > 0) return new(null, diagnostics.ToImmutable());
        if (sockets.Count == 0) return new(new ProxyListeners(ProxyOrigin.Read, [.. processes.Distinct()]), []);
        // The sockets say what listens in this namespace; the arguments of the same pid say where it goes.
        return new(new ProxyListeners(ProxyOrigin.Read, [.. sockets.Select(s => processes.FirstOrDefault(p => p.Pid == s.Pid && p.Protocol == s.Protocol && p.HostPort == s.HostPort) is { Target: { } target }
            ? s with { Target = target } : s).Distinct()]), []);
    }

    /// <summary><c>[tcp] LISTEN 0 4096 0.0.0.0:8080 0.0.0.0:* users:(("docker-proxy",pid=12,fd=4))</c>; null for other processes.</summary>
    private static ProxyListener? Socket(string[] tokens, int state, string line, SourceSpan at, ImmutableArray<Diagnostic>.Builder diagnostics, ref bool withProcess)
    {
        var protocol = state == 1 ? tokens[0] : tokens[state] == "LISTEN" ? "tcp" : "udp";
        var users = Array.FindIndex(tokens, t => t.StartsWith("users:((", StringComparison.Ordinal));
        withProcess = true;

        var proxy = UserPattern().Matches(string.Join(' ', tokens[users..])).FirstOrDefault(m => m.Groups["name"].Value == Program);
        if (proxy is null || protocol is not ("tcp" or "udp" or "sctp")) return null;
        if (!Local(tokens[state + 3], out var family, out var address, out var port))
        {
            diagnostics.Add(ProxyMessages.NotAListing(at, line));
            return null;
        }

        return new ProxyListener(protocol, family, address, port) { Pid = int.Parse(proxy.Groups["pid"].Value, CultureInfo.InvariantCulture) };
    }

    /// <summary><c>0.0.0.0:8080</c>, <c>[::]:8080</c>, <c>*:8080</c> (every address of both families), <c>127.0.0.1%lo:53</c>.</summary>
    private static bool Local(string text, out IpFamily family, out UInt128 address, out int port)
    {
        (family, address, port) = (IpFamily.V4, 0, 0);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)) return false;
        var host = text[..colon];
        if (host.IndexOf('%') is var percent and >= 0) host = host[..percent];
        host = host.Trim('[', ']');
        if (host == "*")
        {
            family = IpFamily.V6;
            return true;
        }

        // An IPv4 address in IPv6 clothes is the IPv4 address.
        if (host.StartsWith("::ffff:", StringComparison.OrdinalIgnoreCase) && IpAddressValue.TryParse(host[7..], IpFamily.V4, out address)) return true;
        family = IpAddressValue.FamilyOf(host) ?? IpFamily.V4;
        return IpAddressValue.TryParse(host, family, out address);
    }

    /// <summary>
    /// <c>[PID] /usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80</c>.
    /// False when the line is no process line at all; a process other than docker-proxy gives true and no listener.
    /// </summary>
    private static bool Arguments(string[] tokens, SourceSpan at, ImmutableArray<Diagnostic>.Builder diagnostics, out ProxyListener? listener)
    {
        listener = null;
        var pid = int.TryParse(tokens[0], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : (int?)null;
        var args = pid is null ? tokens : tokens[1..];
        if (args.Length == 0 || (pid is null && !args[0].Contains('/', StringComparison.Ordinal) && args[0] != Program)) return false;
        if (Path.GetFileName(args[0]) != Program) return true;

        string? Value(string option) => Array.IndexOf(args, "-" + option) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var hostIp = Value("host-ip") ?? "0.0.0.0";
        var containerIp = Value("container-ip");
        var family = IpAddressValue.FamilyOf(hostIp);
        if (family is null || !IpAddressValue.TryParse(hostIp, family.Value, out var host))
            return Bad("-host-ip", hostIp);
        if (!int.TryParse(Value("host-port"), NumberStyles.None, CultureInfo.InvariantCulture, out var hostPort)) return Bad("-host-port", Value("host-port") ?? "");
        var targetFamily = containerIp is null ? null : IpAddressValue.FamilyOf(containerIp);
        if (targetFamily is null || !IpAddressValue.TryParse(containerIp!, targetFamily.Value, out var container)) return Bad("-container-ip", containerIp ?? "");
        if (!int.TryParse(Value("container-port"), NumberStyles.None, CultureInfo.InvariantCulture, out var containerPort))
            return Bad("-container-port", Value("container-port") ?? "");

        listener = new ProxyListener(Value("proto") ?? "tcp", family.Value, host, hostPort)
        {
            Target = new ProxyTarget(targetFamily.Value, container, containerPort),
            Pid = pid,
        };
        return true;

        bool Bad(string option, string value)
        {
            diagnostics.Add(ProxyMessages.BadArgument(at, option, value));
            return true;
        }
    }

    [GeneratedRegex("""\("(?<name>[^"]*)",pid=(?<pid>\d+)""")]
    private static partial Regex UserPattern();
}
