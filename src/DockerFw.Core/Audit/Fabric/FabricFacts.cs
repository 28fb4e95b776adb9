using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Fabric;

/// <summary>
/// flannel on this host: its configuration, the Docker bridge it gives a lease to (the default bridge,
/// docker0), and, when that bridge lies in the pool, new connections between its containers and the
/// rest of the pool through flannel's device, both ways.
/// </summary>
/// <param name="Outbound">From the bridge's containers to the pool's other leases (null: the bridge is outside the pool).</param>
/// <param name="Inbound">From the pool's other leases to the bridge's containers.</param>
public sealed record FlannelFacts(FlannelConfig Config, AuditedNetwork? Bridge, string Device, FabricAnswer? Outbound, FabricAnswer? Inbound)
{
    /// <summary>The bridge's subnet is not inside the lease (or, the lease unknown, not inside the pool).</summary>
    public bool OutsideLease => Bridge?.Subnet is { } subnet && !FlannelConfig.Within(subnet, Config.Subnet ?? Config.Network);
}

/// <summary>One Docker bridge's new connections into weave's bridge.</summary>
public sealed record WeaveEntry(string From, FabricAnswer Answer);

/// <summary>
/// Weave Net on this host: its configuration, new connections from each Docker bridge's containers into
/// the weave bridge (weave drops docker0's alone), and from outside into each exposed subnet.
/// </summary>
public sealed record WeaveFacts(WeaveConfig Config, ImmutableArray<WeaveEntry> FromDocker, ImmutableArray<WeaveEntry> Exposed);

/// <summary>The third-party fabrics found on the host; computed once per audit, null when there is none.</summary>
public sealed record FabricReport(FlannelFacts? Flannel, WeaveFacts? Weave)
{
    private static readonly ConditionalWeakTable<AuditContext, StrongBox<FabricReport?>> Cache = new();

    public static FabricReport? Of(AuditContext context) => Cache.GetValue(context, c => new StrongBox<FabricReport?>(Judge(c))).Value;

    /// <summary>The fabrics the host shows (subnet.env, or their own rules), not judged: for a check that only needs to know which are there.</summary>
    public static (FlannelConfig? Flannel, WeaveConfig? Weave) Found(AuditContext context)
    {
        var ruleset = context.Analysis().Inputs.Ruleset;
        return (context.Flannel ?? FlannelConfig.Infer(ruleset), WeaveConfig.Infer(ruleset));
    }

    private static FabricReport? Judge(AuditContext context)
    {
        var inputs = context.Analysis().Inputs;
        var (flannel, weave) = Found(context);
        if (flannel is null && weave is null) return null;
        var probe = new FabricProbe(inputs, [FlannelConfig.VxlanDevice, WeaveConfig.Bridge]);
        return new FabricReport(flannel is null ? null : JudgeFlannel(inputs, probe, flannel), weave is null ? null : JudgeWeave(inputs, probe, weave));
    }

    private static FlannelFacts JudgeFlannel(AuditInputs inputs, FabricProbe probe, FlannelConfig config)
    {
        var bridge = inputs.Networks.FirstOrDefault(n => n.Network.IsDefaultBridge) ?? inputs.NetworkOfBridge("docker0");
        var device = FlannelConfig.VxlanDevice;
        if (bridge?.Subnet is not { } subnet || !FlannelConfig.Within(subnet, config.Network))
            return new FlannelFacts(config, bridge, device, null, null);
        var pool = Range(config.Network);
        var others = pool.Subtract(Range(config.Subnet ?? subnet)).Subtract(Range(subnet));
        var containers = Containers(bridge);
        return new FlannelFacts(config, bridge, device,
            probe.Forward(bridge.Bridge, device, containers, others),
            probe.Forward(device, bridge.Bridge, others, containers));
    }

    private static WeaveFacts JudgeWeave(AuditInputs inputs, FabricProbe probe, WeaveConfig config)
    {
        // Unicast only: the kernel forwards no multicast (224.0.0.0/4) without a multicast router, nor 240.0.0.0/4.
        var anywhere = IntervalSet.Range(0, IpFamily.V4.AllOnes()).Subtract(Range(AddressMask.FromPrefix(IpFamily.V4, 0xE0000000, 3)));
        var fromDocker = inputs.Networks.Where(n => n.Bridge != WeaveConfig.Bridge && n.Subnet is not null)
            .Select(n => new WeaveEntry(n.Name, probe.Forward(n.Bridge, WeaveConfig.Bridge, Containers(n), anywhere)));
        // Another host reaches an exposed subnet through this one: in on any interface that is no bridge
        // (oracle F41: not one uplink no rule names), from any address outside it.
        var exposed = config.Exposed.Select(cidr => new WeaveEntry(cidr.ToString(),
            probe.FromOutside(WeaveConfig.Bridge, anywhere.Subtract(Range(cidr)), Range(cidr))));
        return new WeaveFacts(config, [.. fromDocker], [.. exposed]);
    }

    private static IntervalSet Range(AddressMask mask) => IntervalSet.Range(mask.Bounds.First, mask.Bounds.Last);

    /// <summary>A bridge's container addresses: its subnet but the network, broadcast and gateway addresses.</summary>
    private static IntervalSet Containers(AuditedNetwork network)
    {
        var (first, last) = network.Subnet!.Bounds;
        var range = last - first >= 3 ? IntervalSet.Range(first + 1, last - 1) : IntervalSet.Range(first, last);
        return range.Subtract(IntervalSet.Single(network.Gateway));
    }
}
