using System.Collections.Immutable;
using DockerFw.Cli.Input;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;

namespace DockerFw.Cli.Commands;

/// <summary>`dockerfw trace`, folded from the command line.</summary>
internal sealed record TraceOptions(
    InputOptions Input,
    string? Hook,
    PacketRequest Packet,
    ImmutableArray<string> HostAddresses,
    string? BridgeNetfilter,
    bool Connection,
    string Format)
{
    /// <summary>Without --hook: both interfaces forwarded, only --in delivered locally, only --out sent locally.</summary>
    public PacketPath Path => Hook?.ToUpperInvariant() switch
    {
        "INPUT" => PacketPath.Input,
        "OUTPUT" => PacketPath.Output,
        "FORWARD" => PacketPath.Forward,
        _ => Packet.In is not null && Packet.Out is null ? PacketPath.Input
            : Packet.Out is not null && Packet.In is null ? PacketPath.Output
            : PacketPath.Forward,
    };

    public ImmutableArray<string> Validate()
    {
        var errors = ImmutableArray.CreateBuilder<string>();
        errors.AddRange(Input.Validate());
        if (Connection && Packet.State is { } state && !state.Equals("NEW", StringComparison.OrdinalIgnoreCase))
            errors.Add("--connection follows a connection from its first packet: leave --state out (or NEW)");
        foreach (var address in HostAddresses)
        {
            if (SharedOptions.HostAddress(address) is null)
                errors.Add($"--host-address: expected IF=ADDRESS/PREFIX (e.g. eth0=192.0.2.10/24), but got '{address}'");
        }

        return errors.ToImmutable();
    }

    /// <summary>What the dump cannot tell, from --host-address and --bridge-nf; the rest stays unknown.</summary>
    public EvaluationContext Context => new()
    {
        Addresses = HostAddresses.IsEmpty ? null : [.. HostAddresses.Select(a => SharedOptions.HostAddress(a)!)],
        BridgeNetfilter = BridgeNetfilter switch { "on" => true, "off" => false, _ => null },
    };
}
