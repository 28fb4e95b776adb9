using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Semantics;

namespace DockerFw.Core.Docker;

/// <summary>
/// The interfaces Docker's rules name as bridges, told from those an admin's rules name. Each layout
/// writes a set of rules for every bridge (<see cref="BridgeTemplate"/>), never one alone, so an
/// interface is a bridge only when <see cref="Corroboration"/> templates of that set name it: an admin's
/// <c>-A DOCKER-FORWARD -i eth0 -j ACCEPT</c> or, up to 27, <c>-A FORWARD -i eth0 ! -o eth0 -j ACCEPT</c>
/// is one template and makes no bridge of eth0. Names are never looked at (a network's bridge may be
/// called anything, com.docker.network.bridge.name). Where the rules point both ways, a doubt says
/// which interface, which rules and what was chosen.
/// </summary>
internal sealed class BridgeEvidence
{
    /// <summary>
    /// The templates that make a bridge. An internal network has the fewest, three (its two DROPs and
    /// its icc rule); every bridge of the corpus's iptables dumps has three or more, a partly flushed one
    /// (docker20.10-sim-flushed-forward-postrouting: isolation stages and nat's RETURN) three too.
    /// </summary>
    public const int Corroboration = 3;

    private readonly List<string> _order = [];
    private readonly Dictionary<string, Dictionary<BridgeTemplate, (Rule Rule, bool Nat)>> _templates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Rule Rule, bool Nat)> _uplinks = new(StringComparer.Ordinal);

    public static BridgeEvidence Of(Table? filter, Table? nat)
    {
        var evidence = new BridgeEvidence();
        var layout = DockerLayouts.Of(filter);
        foreach (var rule in filter?.Rules ?? []) evidence.Add(rule, nat: false, layout);
        foreach (var rule in nat?.Rules ?? [])
        {
            evidence.Add(rule, nat: true, layout);
            if (Uplink(rule) is { } uplink) evidence._uplinks.TryAdd(uplink, (rule, true));
        }

        return evidence;
    }

    /// <summary>The bridges, in the order their first template was read (filter, then nat).</summary>
    public IEnumerable<string> Bridges => _order.Where(b => _templates[b].Count >= Corroboration);

    /// <summary>
    /// What the rules leave open, one line per interface: one that some but too few of Docker's templates
    /// name (read as outside Docker's networks), and a bridge that is also a masquerade's way out, as an
    /// uplink is (read as the bridge). An interface one template alone names is an admin's rule of
    /// Docker's shape, not a doubt: Docker never writes one alone.
    /// </summary>
    public ImmutableArray<string> Doubts => [.. _order.Select(Doubt).OfType<string>()];

    private string? Doubt(string name)
    {
        var templates = _templates[name];
        if (templates.Count >= Corroboration)
            return _uplinks.TryGetValue(name, out var uplink)
                ? $"{name} is read as a Docker bridge ({templates.Count} of Docker's rules for a bridge name it, e.g. '{Text(templates.Values.First())}'), though it is also the way out of '{Text(uplink)}', as an uplink is; give Docker's view (--docker) if it is not a bridge"
                : null;
        if (templates.Count < 2) return null;
        return $"{name} is read as outside Docker's networks: only {templates.Count} rules of the shapes Docker writes for a bridge name it ({string.Join(", ", templates.Values.Select(r => $"'{Text(r)}'"))}), and Docker writes at least {Corroboration} for each; give Docker's view (--docker) if it is a bridge whose other rules are gone";
    }

    private void Add(Rule rule, bool nat, DockerLayout layout)
    {
        if (BridgeTemplateReader.Read(rule, nat, layout) is not { } read) return;
        Add(read.Bridge, read.Template, (rule, nat));
        if (read.Other is { } other) Add(other, read.Template, (rule, nat));
    }

    private void Add(string name, BridgeTemplate template, (Rule Rule, bool Nat) rule)
    {
        if (name == "lo") return;
        if (!_templates.TryGetValue(name, out var templates))
        {
            _templates[name] = templates = [];
            _order.Add(name);
        }

        templates.TryAdd(template, rule);
    }

    // A masquerade or SNAT out of an interface (-o eth0), not Docker's hairpin (-o BR --src-type LOCAL,
    // which nft lists for iptables-nft as an xt match without its options).
    private static string? Uplink(Rule rule) =>
        rule.Chain == "POSTROUTING" && rule.NatsSource()
        && rule.Out() is { Negated: false } o && !rule.Matches.Any(m => m is AddrTypeMatch or OpaqueMatch)
            ? o.Value.Text : null;

    private static string Text((Rule Rule, bool Nat) rule) => (rule.Nat ? "-t nat " : "") + RuleText.Of(rule.Rule);
}
