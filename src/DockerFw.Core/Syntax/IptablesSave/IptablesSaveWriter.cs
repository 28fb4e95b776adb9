using DockerFw.Core.Model;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>Writes a ruleset back as iptables-restore input, in iptables-save's canonical form.</summary>
public static class IptablesSaveWriter
{
    public static string Write(Ruleset ruleset, bool includeCounters = true) =>
        throw new NotImplementedException("IptablesSaveWriter: in progress");
}
