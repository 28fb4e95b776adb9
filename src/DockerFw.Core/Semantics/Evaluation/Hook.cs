namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>The netfilter hooks; the names are the built-in chains.</summary>
internal enum Hook
{
    Prerouting,
    Input,
    Forward,
    Output,
    Postrouting,
}

internal static class HookPlan
{
    public static string ChainName(this Hook hook) => hook switch
    {
        Hook.Prerouting => "PREROUTING",
        Hook.Input => "INPUT",
        Hook.Forward => "FORWARD",
        Hook.Output => "OUTPUT",
        _ => "POSTROUTING",
    };

    /// <summary>The hook's name in nft (<c>type filter hook forward</c>).</summary>
    public static string NftName(this Hook hook) => hook.ChainName().ToLowerInvariant();

    // Table order within a hook follows the priorities in formats.md §4 (raw -300, mangle -150,
    // nat DNAT -100, filter 0, security 50, nat SNAT 100).
    private static readonly (Hook, string[])[] Forward =
    [
        (Hook.Prerouting, ["raw", "mangle", "nat"]),
        (Hook.Forward, ["mangle", "filter", "security"]),
        (Hook.Postrouting, ["mangle", "nat"]),
    ];

    private static readonly (Hook, string[])[] Input =
    [
        (Hook.Prerouting, ["raw", "mangle", "nat"]),
        (Hook.Input, ["mangle", "filter", "security", "nat"]),
    ];

    private static readonly (Hook, string[])[] Output =
    [
        (Hook.Output, ["raw", "mangle", "nat", "filter", "security"]),
        (Hook.Postrouting, ["mangle", "nat"]),
    ];

    public static IReadOnlyList<(Hook Hook, string[] Tables)> Of(PacketPath path) => path switch
    {
        PacketPath.Forward => Forward,
        PacketPath.Input => Input,
        _ => Output,
    };

    /// <summary>Where the nat table rewrites the destination (DNAT) rather than the source.</summary>
    public static bool IsDestinationNatPoint(this Hook hook) => hook is Hook.Prerouting or Hook.Output;
}
