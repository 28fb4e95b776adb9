using System.CommandLine;
using DockerFw.Cli.Fleet;
using DockerFw.Cli.Input;
using DockerFw.Core.Fleet;
using DockerFw.Core.Host;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw fleet BUNDLE...`: what no single host can tell, judged from the hosts' capture bundles
/// (docs/fleet.md): overlapping container subnets, the network and container matrices across hosts
/// through each host's rules and routes, MTUs on the way. One bundle is loaded at a time.
/// </summary>
internal sealed class FleetCommand(HostLoader loader, StandardStreams streams, Output.RunProgress progress) : ICliCommand
{
    public Command Create()
    {
        var bundles = new Argument<string[]>("BUNDLE") { Description = "Bundles written by dockerfw capture (directories or .tar.gz), or directories of them", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "text, json or sarif (one run per host)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "sarif");
        var full = new Option<bool>("--full") { Description = "Every cell of the matrices and every cell's finding, instead of the cells that end alike grouped" };
        var command = new Command("fleet", "Judge several hosts together from their capture bundles: subnets, reachability across hosts, MTUs")
        {
            bundles, format, full,
        };
        command.SetAction(parsed => Run(parsed.GetValue(bundles)!, parsed.GetValue(format)!, parsed.GetValue(full)));
        return command;
    }

    private int Run(string[] arguments, string format, bool full)
    {
        var bundles = FleetBundles.Expand(arguments);
        if (bundles.Count < 2)
            return Usage.Fail(streams.Error, [$"fleet needs the bundles of at least two hosts, got {bundles.Count}"]);
        var hostLoader = new BundleHostLoader(loader);
        // Notices once, on the first read; a host whose first walks do not cover its plan's legs is read again.
        var passes = new HashSet<string>();
        // Where each host's IPv4 rules were read, for SARIF's locations (the path only: no rule text is kept).
        var dumps = new Dictionary<string, HostDumps>();
        // On a terminal the notices wait for the progress to end (it would be drawn over them).
        var notices = streams.ErrorIsTerminal ? new StringWriter { NewLine = "\n" } : streams.Error;
        FleetHost Load((string Name, string Path) b, int index, Action<string> show)
        {
            show($"{(passes.Contains(b.Name) ? "reading again" : "reading")} host {index + 1} of {bundles.Count}: {b.Name}");
            var host = hostLoader.Load(b.Name, b.Path, notices, passes.Add(b.Name));
            dumps[b.Name] = HostDumps.Of(host.Host.DumpOrigins);
            return host;
        }

        var report = progress.Run($"reading {bundles.Count} bundles", show => FleetAuditor.Run([.. bundles.Select((b, i) => (Func<FleetHost>)(() => Load(b, i, show)))], mergeFindings: !full));
        if (notices != streams.Error) streams.Error.Write(notices.ToString());
        // Written as the cells are judged, handed on in chunks (ChunkedWriter): a fleet's report is too
        // long to hold whole, and standard output flushes every write.
        using (var output = new ChunkedWriter(streams.Out) { NewLine = "\n" })
        {
            if (format == "json") FleetJson.Write(report, output, full);
            else if (format == "sarif") FleetSarif.Write(report, dumps, RootCommandFactory.Version, output);
            else FleetText.Write(report, output, full);
        }

        return report.Findings.IsEmpty ? ExitCodes.Ok : ExitCodes.Findings;
    }
}
