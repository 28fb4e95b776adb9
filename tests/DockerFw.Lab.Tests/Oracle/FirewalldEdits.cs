using System.Globalization;
using DockerFw.Lab.Tests.Lab;
using static DockerFw.Lab.Tests.Oracle.TamperKinds;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The firewalld tampers, made with firewall-cmd as an admin makes them. A permanent change takes a
/// reload, which drops every run-time binding: Docker (20.10) hears firewalld's <c>Reloaded</c> signal
/// and sets its networks up again (its rules, its published ports, each non-internal bridge back in the
/// <c>docker</c> zone), so the edit waits for that before the scenario goes on.
/// </summary>
public static class FirewalldEdits
{
    private const string Policy = "dfw-out";

    public static void Apply(BuiltScenario s, Firewalld f, Tamper t)
    {
        switch (t.Kind)
        {
            case FirewalldDockerZoneDrop:
                f.Must("--permanent", $"--zone={t.Network}", "--set-target=DROP");
                Reload(s, f);
                break;
            case FirewalldPolicyReject:
                f.Must("--permanent", $"--new-policy={Policy}");
                f.Must("--permanent", $"--policy={Policy}", $"--add-ingress-zone={t.Network}");
                f.Must("--permanent", $"--policy={Policy}", $"--add-egress-zone={t.Other}");
                f.Must("--permanent", $"--policy={Policy}", "--set-target=REJECT");
                Reload(s, f);
                break;
            case FirewalldAddPort:
                f.Must($"--zone={t.Network}", $"--add-port={t.Port.ToString(CultureInfo.InvariantCulture)}/tcp");
                break;
            case FirewalldAddService:
                f.Must($"--zone={t.Network}", $"--add-service={t.Other}");
                break;
            case FirewalldRichRejectSource:
                var source = t.Container is null ? LabDaemon.OutsideAddress : s.Ip(t.Container).ToString();
                f.Must($"--zone={t.Network}", $"--add-rich-rule=rule family=\"ipv4\" source address=\"{source}\" reject");
                break;
            case FirewalldMasquerade:
                f.Must($"--zone={t.Network}", "--add-masquerade");
                break;
            case FirewalldForwardPort:
                var c = s.Container(t.Container!);
                f.Must($"--zone={t.Network}", string.Create(CultureInfo.InvariantCulture, $"--add-forward-port=port={t.Port}:proto=tcp:toport={c.TcpPorts[0]}:toaddr={s.Ip(c.Name)}"));
                break;
            default:
                throw new InvalidOperationException($"not a firewalld tamper: {t.Kind}");
        }
    }

    /// <summary>Reloads, then waits until Docker has put its bridges back in its zone and its rules stopped changing.</summary>
    private static void Reload(BuiltScenario s, Firewalld f)
    {
        f.Must("--reload");
        var bridges = s.Spec.Networks.Where(n => !n.Internal).Select(n => s.Bridges[n.Name]).Append(s.Bridges["bridge"]).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var previous = "";
        while (DateTime.UtcNow < deadline)
        {
            Thread.Sleep(500);
            var zone = f.Must("--zone=docker", "--list-interfaces").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // Chain lines carry packet counters: the rules are the rest.
            var rules = string.Join('\n', s.Lab.MustInLab("iptables-save").Split('\n').Where(l => !l.StartsWith('#') && !l.StartsWith(':')));
            if (bridges.All(zone.Contains) && rules == previous) return;
            previous = rules;
        }

        throw new InvalidOperationException($"Docker did not set its networks up again after firewalld's reload in 60 s (bridges {string.Join(' ', bridges)}): {f.Log()}");
    }
}
