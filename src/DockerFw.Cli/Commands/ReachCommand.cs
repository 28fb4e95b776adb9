using DockerFw.Cli.Output;
using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Core.Host;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw reach`: the exact partition of a set of packets into what the rules accept, drop,
/// reject, and cannot decide from the dump, each part with the rules responsible.
/// </summary>
internal sealed class ReachCommand(HostLoader loader, StandardStreams streams, RunProgress progress) : ICliCommand
{
    public Command Create()
    {
        var input = new InputOptionSet();
        var hook = SharedOptions.Choice("--hook", "The filter hook that decides: FORWARD (routed), INPUT (to this host), OUTPUT (from it); default from --in/--out", "FORWARD", "INPUT", "OUTPUT");
        var @in = new Option<string?>("--in") { Description = "Input interface or prefix+ (default: any)", HelpName = "IF" };
        var @out = new Option<string?>("--out") { Description = "Output interface or prefix+ (default: any)", HelpName = "IF" };
        var src = new Option<string?>("--src") { Description = "Source addresses (default: any)", HelpName = "CIDR" };
        var dst = new Option<string?>("--dst") { Description = "Destination addresses (default: any)", HelpName = "CIDR" };
        var proto = new Option<string?>("--proto") { Description = "Protocol: tcp, udp, icmp, a name or a number (default: any)", HelpName = "P" };
        var state = new Option<string?>("--state") { Description = "Conntrack states on arrival, e.g. NEW or RELATED,ESTABLISHED (default: any)", HelpName = "S" };
        var hostAddress = new Option<string[]>("--host-address")
        {
            Description = "An address of this host, repeatable; when given, the list is taken as complete (addrtype, MASQUERADE, REDIRECT)",
            HelpName = "IF=ADDR/LEN",
        };
        var format = SharedOptions.Choice("--format", "Output format (default text)", "text", "json");

        var command = new Command("reach", "Partition a set of packets by verdict: accepted, dropped, rejected, undecidable, with the rules responsible")
        {
            hook, @in, @out, src, dst, proto, state, hostAddress, format,
        };
        input.AddTo(command);
        input.AddEngineTo(command);
        command.SetAction(parsed => Run(new ReachOptions(
            input.Bind(parsed),
            parsed.GetValue(hook),
            parsed.GetValue(@in),
            parsed.GetValue(@out),
            parsed.GetValue(src),
            parsed.GetValue(dst),
            parsed.GetValue(proto),
            parsed.GetValue(state),
            [.. parsed.GetValue(hostAddress) ?? []],
            parsed.GetValue(format) ?? "text")));
        return command;
    }

    private int Run(ReachOptions options)
    {
        var problems = options.Validate();
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);

        var loaded = progress.Run(RunProgress.Reading, () => loader.Load(options.Input));
        if (!LoadedHostReport.Write(loaded, streams.Error)) return ExitCodes.Error;
        if (Named(options, loaded) is not { } named) return ExitCodes.Error;
        options = named;
        var ruleset = loaded.Of(options.Family);
        if (ruleset is null)
        {
            streams.Error.WriteLine($"dockerfw: error: no {(options.Family == Core.Model.Values.IpFamily.V4 ? "IPv4 (--iptables or --nft)" : "IPv6 (--ip6tables or --nft)")} rules were read for this query");
            return ExitCodes.Error;
        }

        var query = options.Query;
        var result = progress.Run($"following every packet of the query through {ruleset.Tables.Sum(t => t.Rules.Count())} rules",
            () => SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces, options.Context), query));
        // Piece by piece: a whole answer in one string could pass the 2^31 characters a string holds.
        foreach (var piece in options.Format == "json" ? ReachJson.Pieces(result) : ReachText.Paragraphs(result).Select(Printable.Of))
            streams.Out.Write(piece);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The options with container and network names replaced by their addresses and subnets (in the
    /// family the other side names, else IPv4); null, and the reason on stderr, when one names none.
    /// </summary>
    private ReachOptions? Named(ReachOptions options, LoadedHost loaded)
    {
        var (source, sourceError, destination, destinationError) = DockerNames.ResolvePair(options.Source, options.Destination, loaded.Docker, single: false);
        foreach (var (option, error) in new[] { ("--src", sourceError), ("--dst", destinationError) })
            if (error is not null) streams.Error.WriteLine($"dockerfw: error: {option}: {error}");
        if ((options.Source is not null && source is null) || (options.Destination is not null && destination is null)) return null;
        var named = options with { Source = source, Destination = destination };
        if (named.Validate() is { IsEmpty: false } problems)
        {
            foreach (var problem in problems) streams.Error.WriteLine($"dockerfw: error: {problem}");
            return null;
        }

        return named;
    }
}
