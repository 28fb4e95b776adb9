using System.Collections.Immutable;
using DockerFw.Cli.Live;
using DockerFw.Core.Docker;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Core.Text;

namespace DockerFw.Cli.Input;

/// <summary>
/// Loads a host for every command (audit, trace, reach, plan, apply, snapshot) by one set of rules:
/// the dump files or the live host (or namespace), the nft listing, Docker's view from the Engine
/// or the <c>--docker</c> files (completed from the rules when they lack it), the kernel settings.
/// </summary>
internal sealed class HostLoader(DumpLoader dumps, DockerViewLoader docker, LiveHostReader liveHost)
{
    /// <param name="strict">--strict: every warning about the input is an error.</param>
    public LoadedHost Load(InputOptions input, bool strict = false) => Load(input, strict, preRead: null);

    /// <summary>A bundle already read, as <c>--bundle</c> loads it: fleet reads each archive once for the host and its links.</summary>
    public LoadedHost Load(Capture.Bundle bundle) => Load(InputOptions.Live with { Bundle = bundle.Source }, strict: false, bundle);

    private LoadedHost Load(InputOptions input, bool strict, Capture.Bundle? preRead)
    {
        // Live: the host's rules, kernel settings and (unless --docker files are named) the Engine's view.
        // A bundle is the live reader replayed (docs/capture.md): from here on, exactly the live host.
        var live = input.Bundle is { } bundle ? Capture.BundleReplay.Read(preRead ?? Capture.BundleReader.Read(bundle))
            : input.IsLive ? liveHost.Read(input, readEngine: input.Docker.IsEmpty) : null;
        var texts = live?.Dumps ?? dumps.ReadIptables(input);
        var rules = DumpLoader.Parse(texts, strict);
        var otherBackends = DumpLoader.Parse(live?.OtherBackends ?? dumps.ReadOtherBackends(input), strict);
        var view = live?.Docker is { } engineView ? new LoadedDockerView(engineView, []) : docker.Load(input.Docker, strict);
        var nft = dumps.ReadNft(input, live?.NftJson) is { } nftText ? DumpLoader.ParseNft(nftText, strict: false) : null;
        var notices = live?.Notices ?? [];
        if (live is not null && nft is not null)
        {
            // Live mode read both families through iptables-save already: one notice, not a warning per table.
            (nft, var notice) = IptablesNftTables.AsNotice(nft);
            if (notice is not null) notices = notices.Add(notice);
        }

        if (strict && nft is not null) nft = nft.Strict();
        var routes = input.Routes.Select(file => RouteListReader.Read(dumps.ReadFile(file, null).Text, file)).ToList();
        var ipsetText = live is not null ? live.IpSets : input.IpSets is { } ipsetFile ? dumps.ReadFile(ipsetFile, null).Text : null;
        var ipsets = ipsetText is null ? null : IpsetSaveReader.Read(ipsetText, live is not null ? "ipset save" : input.IpSets!);
        var containerRoutes = input.ContainerRoutes is { } containerRoutesFile ? ContainerRoutesFile.Read(dumps.ReadFile(containerRoutesFile, null).Text, containerRoutesFile) : null;
        var proxyFile = input.Proxies is { } proxiesPath ? ProxyListingReader.Read(dumps.ReadFile(proxiesPath, null).Text, proxiesPath) : null;
        var diagnostics = rules.Diagnostics.Concat(otherBackends.Diagnostics).Concat(view.Diagnostics).Concat(nft?.Diagnostics ?? [])
            .Concat(routes.SelectMany(r => r.Diagnostics)).Concat(ipsets?.Diagnostics ?? []).Concat(proxyFile?.Diagnostics ?? []).Concat(containerRoutes?.Diagnostics ?? [])
            .Concat(live is null ? EmptyDumps(texts, rules, nft?.Value) : []).ToImmutableArray();
        if (diagnostics.Any(d => d.IsError) || nft is { Succeeded: false }) return LoadedHost.Failed(diagnostics, notices);

        // One ruleset per family: a dump of each family is read once (live mode reads both).
        var iptables = rules.Rulesets.GroupBy(r => r.Family).Select(g => g.First()).ToImmutableArray();
        var native = nft?.Value;
        var v4 = native is null ? iptables.FirstOrDefault(r => r.Family == IpFamily.V4) ?? Ruleset.Empty(IpFamily.V4)
            : HostRuleset.Merge(iptables.FirstOrDefault(r => r.Family == IpFamily.V4) ?? Ruleset.Empty(IpFamily.V4), native);
        var origin = live?.Docker is not null ? DockerViewOrigin.Engine : DockerViewOrigin.Files;
        // The containers' own routes, saved beside Docker's JSON (live mode reads them with the Engine's view).
        var observed = view.View is { } given && containerRoutes?.Value is { } tables ? ContainerRoutesFile.Apply(given, tables) : view.View;
        var (dockerView, dockerOrigin, networksInferred) = DockerViewCompletion.Complete(observed, origin, v4);
        if (networksInferred) notices = notices.Add(DockerViewCompletion.NetworksInferredNotice);
        var proxies = (live?.Proxies is { } liveRead ? new ProxyListeners(ProxyOrigin.Read, liveRead) : proxyFile?.Value) is { } read
            ? read.CompletedFrom(dockerView)
            : dockerOrigin == DockerViewOrigin.Rules ? ProxyListeners.Unknown : ProxyListeners.AssumedFrom(dockerView);

        var sets = ipsets?.Value?.WithoutSetsChangedBy([.. iptables, .. otherBackends.Rulesets]) ?? IpSetListing.Empty;
        if (sets.Timed.Where(sets.Members.ContainsKey).ToList() is { Count: > 0 } timed)
            notices = notices.Add($"ipset {string.Join(", ", timed)}: entries expire (timeout); answers hold for the members read now");
        // Read but not resolved: a rule on such a set "may match", and this says why (the set was given).
        if (!sets.Unread.IsEmpty)
            notices = notices.Add($"ipset {string.Join(", ", sets.Unread.Select(u => $"{u.Name} ({u.Type})"))}: only sets of addresses (hash:ip, hash:net, bitmap:ip), of addresses and ports (hash:ip,port, hash:net,port, hash:ip,port,ip, hash:ip,port,net) and lists of them are modelled; the rules that match these may or may not match");

        var (flannel, flannelNotice) = Flannel(input, live?.FlannelEnv);
        if (flannelNotice is not null) notices = notices.Add(flannelNotice);
        return new LoadedHost(iptables, native, dockerView, dockerOrigin, live?.Settings ?? Core.Audit.HostSettings.Unknown, diagnostics, notices)
        {
            Addresses = live?.Addresses,
            Routes = live?.Routes ?? (routes.Count > 0 ? RouteListReader.Concat(routes.Select(r => r.Value!)) : RoutingTable.Connected([], dockerView)),
            OtherBackends = [.. otherBackends.Rulesets],
            IpSets = sets,
            NetworksInferred = networksInferred,
            Proxies = proxies,
            HostName = live?.Machine,
            Flannel = flannel,
            DumpOrigins = [.. Origins(rules, otherBackend: false), .. Origins(otherBackends, otherBackend: true)],
            LiveSources = live is null ? []
                : [.. texts.Concat(live.OtherBackends).Select(t => t.Name), .. live.Engine is { } engine ? ["docker-engine " + engine.Uri] : Array.Empty<string>()],
        };
    }

    /// <summary>flannel's subnet.env: the host's (live, a bundle) or --flannel-env's; a file given that names no pool is an error.</summary>
    private (Core.Audit.Fabric.FlannelConfig? Config, string? Notice) Flannel(InputOptions input, string? liveText)
    {
        if (input.FlannelEnv is { } file)
            return (Core.Audit.Fabric.FlannelConfig.ParseEnv(dumps.ReadFile(file, null).Text)
                ?? throw new CliFailure($"{file} names no FLANNEL_NETWORK (a pool such as 10.5.0.0/16): is it flannel's subnet.env?"), null);
        if (liveText is null) return (null, null);
        var config = Core.Audit.Fabric.FlannelConfig.ParseEnv(liveText);
        return (config, config is null ? $"{Live.FlannelEnvFile.Path} names no FLANNEL_NETWORK: flannel, if any, is inferred from its rules" : null);
    }

    private static IEnumerable<DumpOrigin> Origins(LoadedRulesets rules, bool otherBackend) =>
        rules.Rulesets.Zip(rules.Texts)
            .Where(pair => pair.Second.File is not null)
            .Select(pair => new DumpOrigin(pair.First.Family, otherBackend, pair.Second.File!.Path, pair.Second.File.LinesAfter, pair.Second.Text, pair.Second.File.Captured, pair.Second.File.Archive));

    /// <summary>
    /// An IPv4 dump given on the command line that holds no table, when no nft listing brings rules
    /// either: `iptables-save | dockerfw audit --iptables -` on a host whose rules it cannot see
    /// would otherwise audit nothing and pass a CI job.
    /// </summary>
    private static IEnumerable<Diagnostic> EmptyDumps(ImmutableArray<DumpText> texts, LoadedRulesets rules, Ruleset? native)
    {
        if (native is { Tables.IsEmpty: false } || !rules.Succeeded) yield break;
        // An empty IPv6 dump is an ordinary host: Docker wrote no ip6tables rule before version 27.
        foreach (var text in texts.Where(t => t.Family != IpFamily.V6))
            if (Core.Syntax.IptablesSave.EmptyDump.Check(rules.Rulesets.FirstOrDefault(r => r.Family == (text.Family ?? IpFamily.V4)), text.Name) is { } empty)
                yield return empty;
    }
}
