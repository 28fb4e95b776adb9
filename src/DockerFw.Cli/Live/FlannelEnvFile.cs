namespace DockerFw.Cli.Live;

/// <summary>
/// flannel's <c>/run/flannel/subnet.env</c> (FLANNEL_NETWORK, FLANNEL_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ,
/// written by flanneld for dockerd's <c>--bip</c> and <c>--mtu</c>): read on the host with grep, which the
/// container image has (it has no cat), so that capture records it and a bundle answers with it.
/// Without flannel the file is missing: grep -s says nothing and exits 2.
/// </summary>
internal static class FlannelEnvFile
{
    public const string Path = "/run/flannel/subnet.env";

    /// <summary>The file's text; null when it is missing, empty or unreadable (flannel is then inferred from its rules).</summary>
    public static string? Read(HostShell shell)
    {
        var outcome = shell.Run("grep", "-s", "^", Path);
        return outcome.ExitCode == 0 ? outcome.Stdout : null;
    }
}
