using DockerFw.Cli.Capture;
using DockerFw.Cli.Input;
using DockerFw.Core.Fleet;

namespace DockerFw.Cli.Fleet;

/// <summary>
/// One host of a fleet from its bundle: the host exactly as <c>--bundle</c> loads it for every
/// command, and the links capture recorded (<c>ip -d -j link show</c>), which no single-host command reads.
/// </summary>
internal sealed class BundleHostLoader(HostLoader loader)
{
    private static readonly string[] LinkCommand = ["ip", "-d", "-j", "link", "show"];

    private const string NetworksFile = "docker/networks.json";

    public FleetHost Load(string name, string path, TextWriter error, bool report)
    {
        // Read once (an archive is unpacked and every file hashed): the host and its links come from the same read.
        var bundle = BundleReader.Read(path);
        var host = loader.Load(bundle);
        if (report)
        {
            foreach (var diagnostic in host.Diagnostics) error.WriteLine(diagnostic.Render());
            foreach (var notice in host.Notices) error.WriteLine($"dockerfw: note: {name}: {notice}");
        }

        if (!host.Succeeded) throw new CliFailure($"{name}: the bundle {path} could not be read (the diagnostics above say why)");
        var captured = bundle.Manifest.Commands.FirstOrDefault(c => c.Command.Length >= LinkCommand.Length && c.Command.TakeLast(LinkCommand.Length).SequenceEqual(LinkCommand));
        if (captured is null)
            throw new CliFailure($"{name}: the bundle {path} holds no output of 'ip -d -j link show'; capture the host again with this dockerfw");
        var (links, problem) = LinkListReader.Read(captured.ExitCode == 0 ? bundle.Text(captured.Stdout) : "[]");
        if (problem is not null) throw new CliFailure($"{name}: {captured.Stdout} in {path}: {problem}");
        // Each network's IPRange (docker0's --fixed-cidr), which Docker's view does not keep: a segment shared across hosts is split by it.
        var pools = bundle.Files.ContainsKey(NetworksFile) ? NetworkPools.Read(bundle.Text(NetworksFile)) : [];
        return new FleetHost(name, host, links) { Pools = pools };
    }
}
