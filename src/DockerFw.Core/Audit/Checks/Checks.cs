using System.Collections.Immutable;

namespace DockerFw.Core.Audit.Checks;

/// <summary>Every check, in the order reports list their families; the CLI registers these through DI.</summary>
public static class Checks
{
    public static ImmutableArray<IAuditCheck> All { get; } =
    [
        new IsolationCheck(), new IccCheck(), new MasqueradeCheck(), new LinkCheck(),
        new PublishedPortCheck(), new ProxyCheck(), new ContainerCheck(), new HostCheck(), new OverlayCheck(), new FabricCheck(), new PolicyCheck(),
    ];
}
