using System.Collections.Immutable;
using DockerFw.Cli.Live;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Cli.Input;

/// <summary>
/// The firewall as the kernel runs it, for the commands that follow packets (trace, reach): the
/// iptables dumps with the native nft tables merged into each family, read from files or, in live
/// mode, from the host the way the audit reads it.
/// </summary>
internal sealed class HostFirewallLoader(DumpLoader dumps, LiveHostReader liveHost)
{
    public LoadedHostFirewall Load(InputOptions input)
    {
        // Docker's view is not needed to follow a packet: the Engine is not asked.
        var live = input.IsLive ? liveHost.Read(input, readEngine: false) : null;
        var rules = DumpLoader.Parse(live?.Dumps ?? dumps.ReadIptables(input), strict: false);
        var nft = dumps.ReadNft(input, live?.NftJson) is { } text ? DumpLoader.ParseNft(text, strict: false) : null;
        var diagnostics = rules.Diagnostics.AddRange(nft?.Diagnostics ?? []);
        var notices = live?.Notices ?? [];
        if (diagnostics.Any(d => d.IsError)) return new LoadedHostFirewall([], diagnostics, notices);

        // A family is there when a dump of it was read; an nft listing may hold tables of both.
        var families = rules.Rulesets.Select(r => r.Family).Concat(nft is null ? [] : [IpFamily.V4, IpFamily.V6]).Distinct();
        var rulesets = families.Select(family => DumpLoader.WithNative(
            rules.Rulesets.LastOrDefault(r => r.Family == family) ?? Ruleset.Empty(family), nft?.Value));
        return new LoadedHostFirewall([.. rulesets], diagnostics, notices);
    }
}

/// <summary>Each family's rules with the native nft tables merged in; usable only when <see cref="Succeeded"/>.</summary>
/// <param name="Notices">What live mode could not read or noticed (nft not installed, both iptables back ends in use).</param>
internal sealed record LoadedHostFirewall(ImmutableArray<Ruleset> Rulesets, ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Notices)
{
    public bool Succeeded => !Diagnostics.Any(d => d.IsError);

    public Ruleset? Of(IpFamily family) => Rulesets.FirstOrDefault(r => r.Family == family);
}
