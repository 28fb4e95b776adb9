using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;

namespace DockerFw.Tests.Audit.Fabric;

/// <summary>The fabric dumps of Fixtures/ (each written from flannel's or weave's source, cited in its header) and their Docker views.</summary>
internal static class FabricHost
{
    public static string Dump(string name) =>
        File.ReadAllText(Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Audit", "Fabric", "Fixtures", name + ".iptables-save"));

    public static DockerNetwork Bridge(string name, string device, string subnet, bool isDefault = false) =>
        new(name, name + "-id", "bridge", [new DockerSubnet(AddressMask.TryParse(subnet, IpFamily.V4, out var s) ? s! : throw new ArgumentException(subnet), null)],
            false, true, true, null, null, device, isDefault);

    /// <summary>dockerd started with flannel's --bip (or another).</summary>
    public static DockerView Flannel(string docker0 = "10.5.94.0/24") => new([Bridge("bridge", "docker0", docker0, isDefault: true)], []);

    public static DockerView Weave() => new([Bridge("bridge", "docker0", "172.17.0.0/16", isDefault: true), Bridge("apps", "br-5e1f0c3a2b7d", "172.18.0.0/16")], []);

    public static AuditContext Context(string dump, DockerView view) => AuditFixture.Context(dump, view: view);

    /// <summary>Takes one line out of a dump (it must be there).</summary>
    public static string Without(this string dump, string line)
    {
        Assert.Contains(line + "\n", dump, StringComparison.Ordinal);
        return dump.Replace(line + "\n", "", StringComparison.Ordinal);
    }
}
