namespace DockerFw.Core.Audit;

/// <summary>
/// What the kernel's reverse-path filter does on an interface: its mode is the higher of
/// <c>net.ipv4.conf.all.rp_filter</c> and the interface's own value (<c>IN_DEV_MAXCONF</c>), and
/// <c>fib_validate_source</c> reads 0 as off, 1 as strict (the source's route back must leave by the
/// interface the packet came in on) and any other value as loose (a route back by any interface).
/// </summary>
public enum ReversePathMode
{
    Off,
    Strict,
    Loose,
}

/// <summary>The kernel's reading of an <c>rp_filter</c> value.</summary>
public static class ReversePathModes
{
    /// <summary>The mode of an interface whose <c>all</c> and own values are <paramref name="all"/> and <paramref name="own"/>.</summary>
    public static ReversePathMode Of(long all, long own) => Math.Max(all, own) switch
    {
        0 => ReversePathMode.Off,
        1 => ReversePathMode.Strict,
        _ => ReversePathMode.Loose,
    };
}
