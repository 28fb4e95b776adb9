using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The host addresses a fact holds, as a reader can check them. The audit asks about every address
/// the host may have (all but the containers' in its model: a dump does not say which are the host's),
/// so where a fact holds all of them, or all but a few, it says so in words rather than listing the
/// model's ranges or one address standing for the rest.
/// </summary>
public static class HostAddressText
{
    public const string Any = "any address of the host";

    /// <param name="local">Every address the host may have in the audit's model (<see cref="HostModel.LocalAddresses"/>).</param>
    public static string Of(IntervalSet hosts, IntervalSet local, IpFamily family)
    {
        if (local.IsSubsetOf(hosts)) return Any;
        var missing = local.Subtract(hosts);
        return hosts.IsSubsetOf(local) && missing.Ranges.Count() <= 2
            ? $"{Any} but {PublishProof.Addresses(missing, family)}"
            : PublishProof.Addresses(hosts, family);
    }
}
