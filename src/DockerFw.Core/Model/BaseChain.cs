namespace DockerFw.Core.Model;

/// <summary>
/// What makes an nftables chain a base chain: its type (filter, nat, route), the netfilter hook it
/// is attached to, and its numeric priority (lower runs first among the chains on one hook).
/// </summary>
public sealed record BaseChain(string Type, string Hook, int Priority)
{
    /// <summary>The priority iptables gives each of its tables, so both worlds order on one scale.</summary>
    public static int? PriorityOfIptablesTable(string table) => table switch
    {
        "raw" => -300,
        "mangle" => -150,
        "nat" => -100,
        "filter" => 0,
        "security" => 50,
        _ => null,
    };
}
