namespace DockerFw.Core.Docker;

/// <summary>
/// A port an inferred view knows is published, but not to which container: a DNAT that nft lists
/// without its destination (iptables-nft's xt target, whose options <c>nft -j list ruleset</c> leaves
/// out: docs formats.md 3.4). Any new connection of <see cref="Protocol"/> (null: any protocol) into a
/// container may be its published port, so none is called unpublished.
/// </summary>
/// <param name="Rule">The DNAT as the notices name it.</param>
public sealed record UnnamedPublication(string Rule, int? Protocol);
