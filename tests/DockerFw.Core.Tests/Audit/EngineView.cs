using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Tests.Audit;

/// <summary>What the Docker Engine would say about <see cref="DockerHost"/>: its two networks and c1.</summary>
internal static class EngineView
{
    public static DockerNetwork Network(string name, string subnet, bool icc = true, bool masquerade = true, bool isInternal = false) =>
        new(name, name + "-id", "bridge", [new DockerSubnet(AddressMask.TryParse(subnet, IpFamily.V4, out var s) ? s! : throw new ArgumentException(subnet), null)],
            isInternal, icc, masquerade, null, null, name, false);

    public static DockerContainer Container(string name, string network, string ip, params PortBinding[] ports) =>
        new(name, name + "-id", true, network, [new DockerEndpoint(network, network + "-id", IpAddressValue.Parse(ip, IpFamily.V4), null, [])],
            [.. ports.Select(p => $"{p.ContainerPort}/{p.Protocol}")], [.. ports], []);

    public static DockerView TwoBridges(bool bridge2Icc = true, params DockerContainer[] more) => new(
        [Network("bridge1", "192.0.2.0/24"), Network("bridge2", "198.51.100.0/24", icc: bridge2Icc)],
        [Container("c1", "bridge1", "192.0.2.2", new PortBinding("tcp", 80, "0.0.0.0", 8080)), .. more]);
}
