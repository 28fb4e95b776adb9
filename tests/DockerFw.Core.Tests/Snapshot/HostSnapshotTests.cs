using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Snapshot;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Snapshot;

/// <summary>Snapshots of samples/lab-host, and of the same host after changes that are or are not drift.</summary>
public sealed class HostSnapshotTests
{
    private static readonly string Folder = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private static readonly (string Rules, string Networks, string Containers) LabHost = (
        File.ReadAllText(Path.Combine(Folder, "iptables-save")),
        File.ReadAllText(Path.Combine(Folder, "docker-networks.json")),
        File.ReadAllText(Path.Combine(Folder, "docker-containers.json")));

    [Fact]
    public void The_lab_host_snapshot_is_the_approved_one()
    {
        Snapshots.VerifyInRepository(Of(LabHost), "lab-host");
    }

    [Fact]
    public void A_snapshot_names_bridges_and_container_addresses_and_keeps_no_counters()
    {
        var snapshot = Of(LabHost);

        Assert.Contains("-A DOCKER-ISOLATION-STAGE-2 -o <bridge:backend> -j DROP", snapshot, StringComparison.Ordinal);
        Assert.Contains("-d <web@frontend>/32", snapshot, StringComparison.Ordinal);
        Assert.DoesNotContain("br-", snapshot, StringComparison.Ordinal);
        Assert.DoesNotContain("# Generated", snapshot, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recreated_container_with_a_new_address_is_not_drift()
    {
        var web = Address("web", "frontend");
        var moved = Replace(LabHost, web, "172.30.1.200");

        Assert.Contains(web, LabHost.Rules, StringComparison.Ordinal);
        Assert.Equal(Of(LabHost), Of(moved));
    }

    [Fact]
    public void A_daemon_restart_that_renames_a_bridge_is_not_drift()
    {
        var network = View(LabHost).NetworkByName("backend")!;
        var renamed = Replace(LabHost, network.Id[..12], "0123456789ab");

        Assert.NotEqual(LabHost.Rules, renamed.Rules);
        Assert.Equal(Of(LabHost), Of(renamed));
    }

    [Fact]
    public void A_tampered_rule_is_drift()
    {
        var tampered = LabHost with { Rules = LabHost.Rules.Replace("-A DOCKER-USER -j RETURN", "-A DOCKER-USER -j ACCEPT", StringComparison.Ordinal) };

        Assert.NotEqual(Of(LabHost), Of(tampered));
    }

    [Fact]
    public void A_restart_that_reorders_the_per_bridge_blocks_of_forward_and_stage_1_is_not_drift()
    {
        var lines = LabHost.Rules.Split('\n').ToList();
        var backend = lines.FindAll(l => l.StartsWith("-A FORWARD -", StringComparison.Ordinal) && l.Contains("br-9c93ba76092b -", StringComparison.Ordinal) && !l.Contains("-j DROP", StringComparison.Ordinal));
        var first = lines.IndexOf(backend[0]);
        lines.RemoveRange(first, backend.Count);
        lines.InsertRange(lines.IndexOf("-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"), backend);
        var stage1 = lines.FindIndex(l => l.StartsWith("-A DOCKER-ISOLATION-STAGE-1 -i br-9c93ba76092b", StringComparison.Ordinal));
        (lines[stage1], lines[stage1 + 1]) = (lines[stage1 + 1], lines[stage1]);
        var restarted = LabHost with { Rules = string.Join('\n', lines) };

        Assert.NotEqual(LabHost.Rules, restarted.Rules);
        Assert.Equal(Of(LabHost), Of(restarted));
    }

    [Fact]
    public void A_return_moved_above_the_isolation_drops_is_drift()
    {
        var open = LabHost with
        {
            Rules = LabHost.Rules
                .Replace("-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n", "", StringComparison.Ordinal)
                .Replace(":DOCKER-ISOLATION-STAGE-2 - [0:0]\n", ":DOCKER-ISOLATION-STAGE-2 - [0:0]\n", StringComparison.Ordinal)
                .Replace("-A DOCKER-ISOLATION-STAGE-2 -o br-9c93ba76092b -j DROP", "-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n-A DOCKER-ISOLATION-STAGE-2 -o br-9c93ba76092b -j DROP", StringComparison.Ordinal),
        };

        Assert.NotEqual(LabHost.Rules, open.Rules);
        Assert.NotEqual(Of(LabHost), Of(open));
    }

    private static (string Rules, string Networks, string Containers) Replace((string Rules, string Networks, string Containers) host, string from, string to) =>
        (host.Rules.Replace(from, to, StringComparison.Ordinal),
         host.Networks.Replace(from, to, StringComparison.Ordinal),
         host.Containers.Replace(from, to, StringComparison.Ordinal));

    private static string Address(string container, string network) =>
        IpAddressValue.Format(View(LabHost).ContainerByName(container)!.Endpoints.Single(e => e.Network == network).Ipv4!.Value, IpFamily.V4);

    private static DockerView View((string Rules, string Networks, string Containers) host) =>
        DockerInspectReader.Read(host.Networks, "n.json").Value!.Merge(DockerInspectReader.Read(host.Containers, "c.json").Value!);

    private static string Of((string Rules, string Networks, string Containers) host) =>
        HostSnapshot.Of([IptablesSaveReader.Read(host.Rules, "iptables-save", IpFamily.V4).Value!], View(host));
}
