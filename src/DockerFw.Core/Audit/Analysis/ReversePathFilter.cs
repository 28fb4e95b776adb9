using System.Globalization;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The kernel's reverse-path filter on the host's own interfaces (<c>net.ipv4.conf.IFACE.rp_filter</c>,
/// the higher of it and <c>all</c>'s): a new connection from outside whose source's route back does not
/// leave by the interface it arrived on (strict, 1), or that has no route back at all (loose, 2), is
/// dropped when routed, after PREROUTING and before FORWARD or INPUT. Such a client never connects, so
/// it is nobody a published port's answer is about on that interface: not its replies, not the
/// policy's publish rule (the audit's and the plan's proof alike). Decided from the host's routes as
/// the <c>rpfilter</c> match is (<see cref="RouteReturns"/>, the same lookup): only sources that surely
/// fail, where the setting is surely strict (or loose). IPv4 alone: IPv6 has no such sysctl. Live
/// mode reads <c>all</c>'s and every routed interface's own value; an interface whose own value is not
/// given (an old bundle, an offline host given <c>--sysctl</c> for some) is surely strict nowhere and
/// surely loose where <c>all</c> is, so nothing is left out on a guess.
/// </summary>
public static class ReversePathFilter
{
    // No interface's name: how an interface no route names is answered (RouteReturns' convention).
    private const string Unlisted = "\0unlisted";

    /// <summary>
    /// The connections (input interface and source) in on <paramref name="outside"/> that the filter
    /// surely drops on arrival; empty when the routes were not read whole or the settings are unknown.
    /// </summary>
    public static PacketSet Refused(PacketSpace space, IntervalSet outside, RoutingTable? routes, HostSettings settings)
    {
        if (space.Family != IpFamily.V4 || routes is not { Complete: true } || RouteReturns.Of(routes, IpFamily.V4) is not { } returns)
            return PacketSet.Empty;
        var routed = returns.Interfaces.ToList();
        var max = space.MaxOf(Dimension.Src);
        var boxes = new List<Box>();
        foreach (var (first, last) in outside.Ranges)
            for (var symbol = first; symbol <= last; symbol++)
            {
                // An other-symbol stands for every name it holds: a source is refused there only where every one refuses it.
                var names = space.Interfaces.IsOther((int)symbol)
                    ? routed.Where(n => space.Interfaces.SymbolOf(n) == (int)symbol).Append(Unlisted)
                    : [space.Interfaces.KeyOf((int)symbol)];
                var refused = names.Aggregate(IntervalSet.Range(0, max), (s, name) => s.Intersect(Failing(returns, name, settings, max)));
                if (!refused.IsEmpty) boxes.Add(space.Whole().With(Dimension.In, IntervalSet.Single(symbol)).With(Dimension.Src, refused));
            }

        return new PacketSet([.. boxes]);
    }

    /// <summary>The sources the filter surely drops on <paramref name="name"/>.</summary>
    private static IntervalSet Failing(RouteReturns returns, string name, HostSettings settings, UInt128 max)
    {
        var all = Value(settings, "all");
        var own = name == Unlisted ? null : Value(settings, name);
        // The kernel takes the higher of all's and the interface's (ReversePathModes.Of); with one of
        // them unknown, one of 1 or more still makes the filter at least loose, which refuses fewer.
        var check = (all, own) switch
        {
            ({ } a, { } o) => ReversePathModes.Of(a, o) switch
            {
                ReversePathMode.Strict => new ReversePathCheck(false, Loose: false),
                ReversePathMode.Loose => new ReversePathCheck(false, Loose: true),
                _ => null,
            },
            (>= 1, null) or (null, >= 1) => new ReversePathCheck(false, Loose: true),
            _ => null,
        };
        if (check is null) return IntervalSet.Empty;
        var answer = returns.For(name, check);
        return answer.Passing.Union(answer.Undecided).Complement(max);
    }

    private static long? Value(HostSettings settings, string device) =>
        settings.Sysctls.TryGetValue($"net.ipv4.conf.{device}.rp_filter", out var text)
        && long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
}
