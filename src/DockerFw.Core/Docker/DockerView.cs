using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DockerFw.Core.Docker;

/// <summary>
/// What the Docker Engine says about the host: its networks and containers. <see cref="Inferred"/>
/// is true when no Engine data was given and the view was reconstructed from the ruleset alone.
/// </summary>
public sealed record DockerView(ImmutableArray<DockerNetwork> Networks, ImmutableArray<DockerContainer> Containers, bool Inferred = false)
{
    public static DockerView Empty { get; } = new([], []);

    /// <summary>
    /// What inferring the view from the rules could not decide (<see cref="Inferred"/>): an interface
    /// that too few of Docker's rules for a bridge name, or a bridge that is also a masquerade's way
    /// out. Empty for the Engine's view. The audit reports each as a notice.
    /// </summary>
    public ImmutableArray<string> InferenceDoubts { get; init; } = [];

    /// <summary>The published ports an inferred view cannot name a container for. Empty for the Engine's view.</summary>
    public ImmutableArray<UnnamedPublication> UnnamedPublications { get; init; } = [];

    /// <summary>The Engine's swarm state (<c>docker info</c>), null when it was not read.</summary>
    public SwarmInfo? Swarm { get; init; }

    /// <summary>
    /// The Engine's version (<c>docker info</c>'s <c>ServerVersion</c>, e.g. <c>20.10.24+dfsg1</c>), null
    /// when it was not read. Some of Docker's choices changed with it (a container's default routes: 25, 28).
    /// </summary>
    public string? EngineVersion { get; init; }

    /// <summary>The Engine's major version, null when not known.</summary>
    public int? EngineMajor =>
        EngineVersion is { } v && int.TryParse(v.AsSpan(0, v.TakeWhile(char.IsAsciiDigit).Count()), out var major) ? major : null;

    /// <summary>
    /// The first network of that name. Indexed once per list of networks: a container's routes ask it
    /// for every pair of networks, and a scan per question made thousands of networks quadratic.
    /// </summary>
    public DockerNetwork? NetworkByName(string name) => NetworkIndex.GetValue(NetworkArray, NetworkLookup.Of).ByName.GetValueOrDefault(name);

    /// <summary>The first network on that bridge (indexed as <see cref="NetworkByName"/>).</summary>
    public DockerNetwork? NetworkByBridge(string bridge) => NetworkIndex.GetValue(NetworkArray, NetworkLookup.Of).ByBridge.GetValueOrDefault(bridge);

    private DockerNetwork[] NetworkArray => ImmutableCollectionsMarshal.AsArray(Networks) ?? [];

    private static readonly ConditionalWeakTable<DockerNetwork[], NetworkLookup> NetworkIndex = new();

    private sealed record NetworkLookup(Dictionary<string, DockerNetwork> ByName, Dictionary<string, DockerNetwork> ByBridge)
    {
        // The first of each name and bridge, as a scan in order finds it.
        public static NetworkLookup Of(DockerNetwork[] networks)
        {
            var lookup = new NetworkLookup(new(StringComparer.Ordinal), new(StringComparer.Ordinal));
            foreach (var n in networks)
            {
                lookup.ByName.TryAdd(n.Name, n);
                if (n.Bridge is { } bridge) lookup.ByBridge.TryAdd(bridge, n);
            }

            return lookup;
        }
    }

    /// <summary>
    /// The endpoints on a network, each with its container, in the order of the containers and of
    /// their endpoints. Indexed once per list of containers: the audit asks it for every pair of
    /// networks, and a scan of every container per pair made 2,000 networks quadratic.
    /// </summary>
    public IEnumerable<(DockerContainer Container, DockerEndpoint Endpoint)> EndpointsOn(string network) =>
        EndpointIndex.GetValue(ImmutableCollectionsMarshal.AsArray(Containers) ?? [], containers =>
            containers.SelectMany(c => c.Endpoints.Select(e => (c, e))).ToLookup(x => x.e.Network, StringComparer.Ordinal))[network];

    // Keyed by the containers' array, not a field: a record's fields take part in its equality and in `with`.
    private static readonly ConditionalWeakTable<DockerContainer[], ILookup<string, (DockerContainer, DockerEndpoint)>> EndpointIndex = new();

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
        // Sets, not pairwise comparisons: captures of thousands of networks merge in linear time. An
        // empty id or name (a hand-written file) names nothing to replace.
        static HashSet<string> Named(IEnumerable<string?> keys) => [.. keys.Where(k => !string.IsNullOrEmpty(k)).Select(k => k!)];
        var ids = Named(other.Networks.Select(n => n.Id));
        var names = Named(other.Networks.Select(n => n.Name));
        var bridges = Named(other.Networks.Select(n => n.Bridge));
        var containerIds = Named(other.Containers.Select(c => c.Id));
        var containerNames = Named(other.Containers.Select(c => c.Name));
        return new(
            [.. Networks.Where(n => !ids.Contains(n.Id) && !names.Contains(n.Name) && !(n.Bridge is { } b && bridges.Contains(b))), .. other.Networks],
            [.. Containers.Where(c => !containerIds.Contains(c.Id) && !containerNames.Contains(c.Name)), .. other.Containers],
            Inferred && other.Inferred)
        {
            Swarm = other.Swarm ?? Swarm,
            EngineVersion = other.EngineVersion ?? EngineVersion,
        };
    }
}
