using System.Collections.Immutable;
using DockerFw.Cli.Input;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>`dockerfw reach`, folded from the command line; every value is checked before any work.</summary>
internal sealed record ReachOptions(
    InputOptions Input,
    string? Hook,
    string? In,
    string? Out,
    string? Source,
    string? Destination,
    string? Protocol,
    string? State,
    ImmutableArray<string> HostAddresses,
    string Format)
{
    /// <summary>Without --hook: both interfaces forwarded, only --in delivered locally, only --out sent locally.</summary>
    public PacketPath Path => Hook?.ToUpperInvariant() switch
    {
        "INPUT" => PacketPath.Input,
        "OUTPUT" => PacketPath.Output,
        "FORWARD" => PacketPath.Forward,
        _ => In is not null && Out is null ? PacketPath.Input
            : Out is not null && In is null ? PacketPath.Output
            : PacketPath.Forward,
    };

    /// <summary>The family the addresses name; IPv4 unless they are IPv6 or only --ip6tables is given.</summary>
    public IpFamily Family =>
        new[] { Source, Destination }.OfType<string>().Select(a => IpAddressValue.FamilyOf(a.Split('/')[0])).FirstOrDefault(f => f is not null)
        ?? (Input.Ip6tables is not null && Input.Iptables is null ? IpFamily.V6 : IpFamily.V4);

    public ImmutableArray<string> Validate()
    {
        var errors = ImmutableArray.CreateBuilder<string>();
        errors.AddRange(Input.Validate());
        foreach (var (name, value) in new[] { ("--src", Source), ("--dst", Destination) })
            if (value is not null && Cidr(value) is null && !IsName(value))
                errors.Add($"{name}: expected an address or CIDR of one family (e.g. 172.18.0.0/16), or a container (web, web@frontend) or network Docker's view names, but got '{value}'");
        if (Source is not null && Destination is not null && Cidr(Source) is { } s && Cidr(Destination) is { } d && s.Family != d.Family)
            errors.Add("--src and --dst must be of the same family");
        foreach (var (name, value) in new[] { ("--in", In), ("--out", Out) })
            if (value is { } v && (v.Length == 0 || v.Length > InterfacePattern.MaxLength || v.Contains(' ')))
                errors.Add($"{name}: expected an interface name or prefix+ of 1 to {InterfacePattern.MaxLength} characters, but got '{v}'");
        if (Protocol is not null && !Core.Model.Values.Protocol.TryParse(Protocol, out _))
            errors.Add($"--proto: expected tcp, udp, icmp, a protocol name or a number 0-255, but got '{Protocol}'");
        if (State is not null && States is null)
            errors.Add($"--state: expected states among {string.Join(",", ConntrackStatesText.Names)}, but got '{State}'");
        foreach (var address in HostAddresses)
            if (SharedOptions.HostAddress(address) is null)
                errors.Add($"--host-address: expected IF=ADDRESS/PREFIX (e.g. eth0=192.0.2.10/24), but got '{address}'");
        return errors.ToImmutable();
    }

    public ReachQuery Query => new(Path)
    {
        In = In is null ? null : new InterfacePattern(In),
        Out = Out is null ? null : new InterfacePattern(Out),
        Source = Source is null ? null : Cidr(Source),
        Destination = Destination is null ? null : Cidr(Destination),
        Protocol = Protocol is null ? null : Core.Model.Values.Protocol.TryParse(Protocol, out var p) ? p : null,
        State = State is null ? null : States,
        AnyMark = true,
    };

    /// <summary>What the dump cannot tell, from --host-address; the rest stays unknown.</summary>
    public EvaluationContext Context => new()
    {
        Addresses = HostAddresses.IsEmpty ? null : [.. HostAddresses.Select(a => SharedOptions.HostAddress(a)!)],
    };

    private ConntrackStates? States
    {
        get
        {
            var states = ConntrackStates.None;
            foreach (var name in State!.Split(','))
            {
                if (!ConntrackStatesText.TryParseOne(name, out var one)) return null;
                states |= one;
            }

            return states;
        }
    }

    /// <summary>What a container or network name (or <c>name@network</c>) may look like; Docker's view decides later whether it names one.</summary>
    public static bool IsName(string text) =>
        text.Length is > 0 and <= 255 && !text.Contains('/') && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '@');

    public static bool IsCidr(string text) => Cidr(text) is not null;

    private static AddressMask? Cidr(string text) =>
        IpAddressValue.FamilyOf(text.Split('/')[0]) is { } family && AddressMask.TryParse(text, family, out var mask) ? mask : null;
}
