namespace DockerFw.Cli.Input;

/// <summary>
/// How much dockerfw reads of each kind of input, far above the largest real host (a 100,000-rule
/// kube-proxy dump is about 15 MB, Docker's JSON for 1,000 networks about 3 MB): a stray
/// <c>/dev/zero</c> or a hostile Engine must end in a clear error, not in gigabytes and an
/// OutOfMemoryException. docs/cli.md lists them.
/// </summary>
internal static class InputLimits
{
    public const long MiB = 1024 * 1024;

    /// <summary>An iptables-save or ip6tables-save dump, from a file, stdin or iptables-save itself.</summary>
    public const long Dump = 256 * MiB;

    /// <summary>The JSON of <c>nft -j list ruleset</c>, about ten times as wordy as a dump of the same rules.</summary>
    public const long NftJson = 1024 * MiB;

    /// <summary>Docker JSON: a <c>--docker</c> file or one answer of the Engine.</summary>
    public const long DockerJson = 256 * MiB;

    /// <summary>A policy file: 20,000 statements are about 1 MB.</summary>
    public const long Policy = 16 * MiB;

    /// <summary>An approved snapshot file.</summary>
    public const long Snapshot = 256 * MiB;

    /// <summary>Everything a live run asks the Docker Engine, together: a healthy Engine answers in well under a second.</summary>
    public static readonly TimeSpan EngineBudget = TimeSpan.FromSeconds(60);

    public static string Describe(long bytes) => bytes % MiB == 0 ? $"{bytes / MiB} MiB" : $"{bytes} bytes";
}
