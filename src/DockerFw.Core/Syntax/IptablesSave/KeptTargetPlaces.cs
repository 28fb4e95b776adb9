namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Where the kernel takes the targets dockerfw keeps verbatim (DFW153), as it takes them for those it models
/// (<see cref="TargetSpec.Tables"/> and <see cref="TargetSpec.Hooks"/>): the xt_target's <c>.table</c>, <c>.hooks</c> and
/// <c>.proto</c>, each loaded with iptables-legacy-restore into a namespace (KernelKeptTargets). HMARK, RATEEST, AUDIT,
/// IDLETIMER and TEE load in every table and are not here.
/// </summary>
internal static class KeptTargetPlaces
{
    /// <param name="Tables">The tables the kernel takes the target in.</param>
    /// <param name="Hooks">The built-in chains a rule with it may be reached from; null: any.</param>
    /// <param name="TcpOptions">Options that need <c>-p tcp</c>, not negated; empty: the target itself needs it (<c>.proto</c>).</param>
    internal sealed record Place(string[] Tables, string[]? Hooks, string[]? TcpOptions);

    private static readonly string[] Mangle = ["mangle"];

    // Not frozen: the table is built at every start, and freezing it cost more than the lookups of `fmt` of a small dump
    // save (all the reader's frozen tables: 1.4 -> 0.7 M instructions of start; docs/performance.md, "Reader on every shape").
    private static readonly Dictionary<string, Place> Places = new(StringComparer.Ordinal)
    {
        ["TCPOPTSTRIP"] = new(Mangle, null, []),
        // ipt_ECN's check: only the TCP header's bits need a TCP rule; --ecn-ip-ect alone loads on any protocol.
        ["ECN"] = new(Mangle, null, ["--ecn-tcp-remove", "--ecn-tcp-cwr", "--ecn-tcp-ece"]),
        ["DNPT"] = new(Mangle, ["PREROUTING", "OUTPUT"], null),
        ["SNPT"] = new(Mangle, ["INPUT", "POSTROUTING"], null),
    };

    public static Place? Find(string target) => Places.GetValueOrDefault(target);
}
