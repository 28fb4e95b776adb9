using DockerFw.Cli.Output;
using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw trace`: what the rules do to one packet, with every rule the kernel would count; with
/// --connection also whether the replies come back.
/// </summary>
internal sealed class TraceCommand(HostLoader loader, StandardStreams streams) : ICliCommand
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
        var state = new Option<string?>("--state") { Description = "Conntrack state: NEW (default), ESTABLISHED, RELATED, INVALID, UNTRACKED; may add SNAT,DNAT", HelpName = "S" };
        var mark = new Option<string?>("--mark") { Description = "Packet mark (default 0)", HelpName = "V" };
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
            hook, @in, @out, src, dst, proto, sport, dport, icmpType, state, mark, physIn, physOut, hostAddress, bridgeNf, connection, format,
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
        var (packet, packetErrors) = options.Packet.Parse();
        var problems = options.Validate().AddRange(packetErrors);
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);

        var loaded = loader.Load(options.Input);
        if (!LoadedHostReport.Write(loaded, streams.Error)) return ExitCodes.Error;
        var ruleset = loaded.Of(packet!.Family);
        if (ruleset is null)
        {
            streams.Error.WriteLine($"dockerfw: error: no {(packet!.Family == Core.Model.Values.IpFamily.V4 ? "IPv4 (--iptables or --nft)" : "IPv6 (--ip6tables or --nft)")} rules were read for this packet");
            return ExitCodes.Error;
        }

        var reach = options.Connection ? ConnectionEvaluator.Evaluate(ruleset, packet!, options.Path, options.Context) : null;
        var trace = reach?.Request ?? PacketTracer.Trace(ruleset, packet!, options.Path, options.Context);
        streams.Out.Write(options.Format == "json" ? TraceJson.Render(trace, reach) : Printable.Of(TraceText.Render(trace, reach, options.Path)));
        return ExitCodes.Ok;
    }
}
