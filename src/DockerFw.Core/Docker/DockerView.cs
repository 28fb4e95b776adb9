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

    /// <summary>
    /// Merges data read from several files (captures of one host, perhaps taken at different times):
    /// a later network replaces an earlier one with the same id, name or bridge, a later container
    /// one with the same id or name. A network re-created between two captures gets a new id but
    /// keeps its name and bridge, and one host has one network of each.
    /// </summary>
    public DockerView Merge(DockerView other)
    {
        // Keys, not pairwise comparisons: captures of thousands of networks merge in linear time.
        var networkKeys = other.Networks.SelectMany(n => new[] { "id:" + n.Id, "name:" + n.Name, n.Bridge is null ? "" : "bridge:" + n.Bridge }).ToHashSet();
        var containerKeys = other.Containers.SelectMany(c => new[] { "id:" + c.Id, "name:" + c.Name }).ToHashSet();
        // An empty id or name (a hand-written file) names nothing to replace.
        networkKeys.ExceptWith(["", "id:", "name:"]);
        containerKeys.ExceptWith(["id:", "name:"]);
        return new(
            [.. Networks.Where(n => !networkKeys.Contains("id:" + n.Id) && !networkKeys.Contains("name:" + n.Name) && !(n.Bridge is not null && networkKeys.Contains("bridge:" + n.Bridge))), .. other.Networks],
            [.. Containers.Where(c => !containerKeys.Contains("id:" + c.Id) && !containerKeys.Contains("name:" + c.Name)), .. other.Containers],
            Inferred && other.Inferred);
    }
}
