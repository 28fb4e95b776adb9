using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Targets;

/// <summary><c>-j MARK --set-xmark V/M</c>: mark = (mark &amp; ~M) ^ V.</summary>
public sealed record MarkTarget(uint Value, uint Mask) : Target
{
    public override string Name => "MARK";

    public override bool IsTerminating => false;

    public uint Apply(uint mark) => (mark & ~Mask) ^ Value;
}

/// <summary><c>-j LOG</c>: writes to the kernel log and goes on.</summary>
public sealed record LogTarget(string? Prefix, int? Level, ImmutableArray<string> Flags) : Target
{
    public override string Name => "LOG";

    public override bool IsTerminating => false;
}

/// <summary>One option of an extension target, e.g. <c>--nfmask 0xffffffff</c>.</summary>
public sealed record TargetOption(string Name, ImmutableArray<string> Arguments);

/// <summary>
/// Any other extension target (CONNMARK, CT, NOTRACK, TCPMSS, CHECKSUM, NFLOG, ...): kept with its
/// options. <see cref="Known"/> is false for a target dockerfw has never heard of; such a target is
/// assumed non-terminating and flagged as unknown.
/// </summary>
public sealed record ExtensionTarget(string ExtensionName, ImmutableArray<TargetOption> Options, bool Known, bool Terminating = false) : Target
{
    public override string Name => ExtensionName;

    public override bool IsTerminating => Terminating;
}
