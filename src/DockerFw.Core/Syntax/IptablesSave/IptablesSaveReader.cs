using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>Reads iptables-save / ip6tables-save text (either back end, with or without -c).</summary>
public static class IptablesSaveReader
{
    /// <summary>
    /// Reads a whole dump. <paramref name="family"/> null: decided by the header
    /// (<c>ip6tables-save</c>) or else IPv4.
    /// </summary>
    public static ParseResult<Ruleset> Read(string text, string fileName, IpFamily? family = null) =>
        throw new NotImplementedException("IptablesSaveReader: in progress");
}
