using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Live;

/// <summary>
/// Each running container's own routing tables, read without entering it: <c>/proc/State.Pid/net/route</c>
/// and <c>ipv6_route</c> list the routes of that process's network namespace. They decide its default
/// routes, which Docker's view records only through libnetwork's order, whose rules changed with the
/// Engine's version (<see cref="Core.Audit.Analysis.DefaultGateway"/>). Read with one <c>grep -H</c> per
/// batch of containers, through the host shell, so capture records it and a bundle answers with it; a
/// bundle captured before this was read has no answer, and the routes are inferred as offline.
/// </summary>
internal static class ContainerRoutesReader
{
    // Two files per container on one command line: well under ARG_MAX, and one process per batch.
    private const int Batch = 500;

    public static (DockerView View, ImmutableArray<string> Notices) Read(HostShell shell, DockerView view)
    {
        var read = view.Containers.Where(Readable).ToList();
        var tables = new Dictionary<string, ImmutableArray<ContainerRouteTable>>(StringComparer.Ordinal);
        var notices = ImmutableArray.CreateBuilder<string>();
        foreach (var batch in read.Chunk(Batch))
        {
            string output;
            try
            {
                // grep -s: a container that exited since the Engine listed it has no files, and is left to inference.
                output = shell.Run("grep", ["-s", "-H", "^", .. batch.SelectMany(c => new[] { RouteFile(c.Pid), Ipv6File(c.Pid) })]).Stdout;
            }
            catch (CliFailure)
            {
                return (view, []);
            }

            var files = ByFile(output);
            foreach (var container in batch)
            {
                var (observed, doubt) = Tables(container, files);
                if (observed.Length > 0) tables[container.Id] = observed;
                if (doubt is not null) notices.Add(doubt);
            }
        }

        return (tables.Count == 0 ? view : view with
        {
            Containers = [.. view.Containers.Select(c => tables.TryGetValue(c.Id, out var t) ? c with { ObservedRoutes = t } : c)],
        }, notices.ToImmutable());
    }

    // Its own namespace, on the networks the audit routes: not the host's, not another container's.
    private static bool Readable(DockerContainer c) =>
        c is { Running: true, Pid: > 0, UsesHostNetwork: false, SharesNamespaceWith: null, Endpoints.IsEmpty: false };

    private static string RouteFile(int pid) => $"/proc/{pid}/net/route";

    private static string Ipv6File(int pid) => $"/proc/{pid}/net/ipv6_route";

    /// <summary>grep -H's lines (<c>FILE:LINE</c>) by file.</summary>
    internal static Dictionary<string, string> ByFile(string output) =>
        output.Split('\n').Where(l => l.Contains(':'))
            .GroupBy(l => l[..l.IndexOf(':')], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join('\n', g.Select(l => l[(l.IndexOf(':') + 1)..])), StringComparer.Ordinal);

    /// <summary>
    /// The tables of a container that hold its endpoints' addresses. One that does not is not its
    /// namespace (a PID of another PID namespace, or reused since the Engine answered): left out, said.
    /// </summary>
    private static (ImmutableArray<ContainerRouteTable>, string?) Tables(DockerContainer container, Dictionary<string, string> files)
    {
        var tables = ImmutableArray.CreateBuilder<ContainerRouteTable>();
        foreach (var (family, file) in new[] { (IpFamily.V4, RouteFile(container.Pid)), (IpFamily.V6, Ipv6File(container.Pid)) })
        {
            if (!files.TryGetValue(file, out var text)) continue;
            var read = family == IpFamily.V4 ? ProcRouteReader.ReadIpv4(text, file) : ProcRouteReader.ReadIpv6(text, file);
            if (read.Value is not { } table || !read.Succeeded)
                return ([], $"{file} of container {container.Name} is not the kernel's route listing ({read.Diagnostics.FirstOrDefault()?.Message}): its default routes are inferred");
            var missing = container.Endpoints.Select(e => e.Address(family)).OfType<UInt128>()
                .FirstOrDefault(a => !table.Routes.Any(r => !r.IsDefault && r.Gateway == 0 && r.Destination.Contains(a)), UInt128.Zero);
            if (missing != UInt128.Zero)
                return ([], $"{file} has no route to container {container.Name}'s own address {IpAddressValue.Format(missing, family)}: not its namespace (another PID namespace?), its default routes are inferred");
            tables.Add(table);
        }

        return (tables.ToImmutable(), null);
    }
}
