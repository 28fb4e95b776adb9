using System.Collections.Immutable;

namespace DockerFw.Core.Docker;

/// <summary>
/// What the Docker Engine says about the host: its networks and containers. <see cref="Inferred"/>
/// is true when no Engine data was given and the view was reconstructed from the ruleset alone.
/// </summary>
public sealed record DockerView(ImmutableArray<DockerNetwork> Networks, ImmutableArray<DockerContainer> Containers, bool Inferred = false)
{
    public static DockerView Empty { get; } = new([], []);

    public DockerNetwork? NetworkByName(string name) => Networks.FirstOrDefault(n => n.Name == name);

    public DockerNetwork? NetworkByBridge(string bridge) => Networks.FirstOrDefault(n => n.Bridge == bridge);

    public DockerContainer? ContainerByName(string name) =>
        Containers.FirstOrDefault(c => c.Name == name || c.Id.StartsWith(name, StringComparison.Ordinal));

    /// <summary>Merges data read from several files; a later entry with the same id replaces an earlier one.</summary>
    public DockerView Merge(DockerView other) => new(
        Networks.Concat(other.Networks).GroupBy(n => n.Id).Select(g => g.Last()).ToImmutableArray(),
        Containers.Concat(other.Containers).GroupBy(c => c.Id).Select(g => g.Last()).ToImmutableArray(),
        Inferred && other.Inferred);
}
