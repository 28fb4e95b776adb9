using DockerFw.Cli.Output;
using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Cli.Workflows;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw trace`: what the rules do to one packet, with every rule the kernel would count; with
/// --connection also whether the replies come back. The command binds and checks its options;
/// <see cref="TraceWorkflow"/> does the work and a formatter writes it.
/// </summary>
internal sealed class TraceCommand(TraceWorkflow workflow, IEnumerable<IResultFormatter<TraceRun>> formatters, StandardStreams streams) : ICliCommand
{
    public Command Create()
    {
        var input = new InputOptionSet();
        var hook = SharedOptions.Choice("--hook", "The filter hook that decides: FORWARD (routed), INPUT (to this host), OUTPUT (from it); default from --in/--out", "FORWARD", "INPUT", "OUTPUT");
        var @in = new Option<string?>("--in") { Description = "Input interface (a bridge for bridged traffic)", HelpName = "IF" };
        var @out = new Option<string?>("--out") { Description = "Output interface", HelpName = "IF" };
        var src = new Option<string>("--src") { Description = "Source address", HelpName = "IP", Required = true };
        var dst = new Option<string>("--dst") { Description = "Destination address", HelpName = "IP", Required = true };
        var proto = new Option<string>("--proto") { Description = "Protocol: tcp, udp, icmp, or a name or number", HelpName = "P", Required = true };
        var sport = new Option<int?>("--sport") { Description = "Source port (not given: unknown, rules testing it make the answer uncertain)", HelpName = "N" };
        var dport = new Option<int?>("--dport") { Description = "Destination port", HelpName = "N" };
        var icmpType = new Option<string?>("--icmp-type") { Description = "ICMP type: name, T or T/C (default echo-request)", HelpName = "T" };
        var state = new Option<string?>("--state") { Description = "Conntrack state: NEW (default; an ICMP type that opens no connection: the state it arrives in alone, e.g. INVALID for echo-reply), ESTABLISHED, RELATED, INVALID, UNTRACKED; may add SNAT,DNAT", HelpName = "S" };
        var mark = new Option<string?>("--mark") { Description = "Packet mark (default 0)", HelpName = "V" };
        var tcpFlags = new Option<string?>("--tcp-flags")
        {
            Description = "TCP flags of the packet: FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, comma-separated, or NONE (default SYN when NEW, else ACK)",
            HelpName = "FLAGS",
        };
        var physIn = new Option<string?>("--physdev-in") { Description = "Bridge port the frame entered (bridged traffic)", HelpName = "IF" };
        var physOut = new Option<string?>("--physdev-out") { Description = "Bridge port the frame leaves by (bridged traffic)", HelpName = "IF" };
        var hostAddress = new Option<string[]>("--host-address")
        {
            Description = "An address of this host, repeatable; when given, the list is taken as complete (addrtype, MASQUERADE, REDIRECT)",
            HelpName = "IF=ADDR/LEN",
        };
        var bridgeNf = SharedOptions.Choice("--bridge-nf", "Whether br_netfilter hands bridged frames to iptables (default: unknown, both are traced)", "on", "off");
        var connection = new Option<bool>("--connection") { Description = "Also trace the reply: reachable, one-way or blocked" };
        var format = SharedOptions.Choice("--format", "Output format (default text)", "text", "json");

        var command = new Command("trace", "Trace one packet through the rules: verdict, counted rules, the packet as it left")
        {
            hook, @in, @out, src, dst, proto, sport, dport, icmpType, state, mark, tcpFlags, physIn, physOut, hostAddress, bridgeNf, connection, format,
        };
        input.AddTo(command);
        input.AddEngineTo(command);
        command.SetAction(parsed => Run(new TraceOptions(
            input.Bind(parsed),
            parsed.GetValue(hook),
            new PacketRequest(parsed.GetValue(src)!, parsed.GetValue(dst)!, parsed.GetValue(proto)!)
            {
                SourcePort = parsed.GetValue(sport),
                DestinationPort = parsed.GetValue(dport),
                IcmpType = parsed.GetValue(icmpType),
                State = parsed.GetValue(state),
                Mark = parsed.GetValue(mark),
                TcpFlags = parsed.GetValue(tcpFlags),
                In = parsed.GetValue(@in),
                Out = parsed.GetValue(@out),
                PhysIn = parsed.GetValue(physIn),
                PhysOut = parsed.GetValue(physOut),
            },
            [.. parsed.GetValue(hostAddress) ?? []],
            parsed.GetValue(bridgeNf),
            parsed.GetValue(connection),
            parsed.GetValue(format) ?? "text")));
        return command;
    }

    private int Run(TraceOptions options)
    {
        // Names (web, web@frontend) are resolved once Docker's view is loaded; the rest is checked first.
        var (_, packetErrors) = WithPlaceholders(options.Packet).Parse();
        var problems = options.Validate().AddRange(packetErrors);
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);
        var outcome = workflow.Run(options);
        if (outcome.Result is not { } run) return outcome.ExitCode;
        formatters.Single(f => f.Name == options.Format).Write(run, streams.Out);
        return ExitCodes.Ok;
    }

    // A misspelt address (300.1.2.3, fe80:::1) stays an address, to be refused as one.
    private static bool IsAddress(string text) =>
        IpAddressValue.FamilyOf(text) is not null || text.Contains(':') || text.All(c => char.IsAsciiDigit(c) || c == '.');

    private static PacketRequest WithPlaceholders(PacketRequest request)
    {
        var family = new[] { request.Source, request.Destination }.Select(IpAddressValue.FamilyOf).FirstOrDefault(f => f is not null);
        var placeholder = family == IpFamily.V6 ? "::" : "0.0.0.0";
        return request with
        {
            Source = IsAddress(request.Source) ? request.Source : placeholder,
            Destination = IsAddress(request.Destination) ? request.Destination : placeholder,
        };
    }
}
