using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Core.Text;

namespace DockerFw.Cli.Input;

/// <summary>Rulesets read and parsed, with every diagnostic; usable only when <see cref="Succeeded"/>.</summary>
internal sealed record LoadedRulesets(ImmutableArray<Ruleset> Rulesets, ImmutableArray<Diagnostic> Diagnostics)
{
    public bool Succeeded => !Diagnostics.Any(d => d.IsError);
}

/// <summary>
/// Turns <see cref="InputOptions"/> into dump texts (files, stdin or the live host) and parses them.
/// Every command that reads iptables rules goes through here.
/// </summary>
internal sealed class DumpLoader(StandardStreams streams, LiveFirewallReader live)
{
    public const string StdinName = "<stdin>";

    public ImmutableArray<DumpText> ReadIptables(InputOptions input)
    {
        if (input.IsLive) return live.Read(input.Netns);
        var dumps = ImmutableArray.CreateBuilder<DumpText>();
        if (input.Iptables is not null) dumps.Add(ReadFile(input.Iptables, IpFamily.V4));
        if (input.Ip6tables is not null) dumps.Add(ReadFile(input.Ip6tables, IpFamily.V6));
        return dumps.ToImmutable();
    }

    /// <summary>Reads a dump file, or stdin for <c>-</c>. <paramref name="family"/> null: the header, the file name, else IPv4.</summary>
    public DumpText ReadFile(string path, IpFamily? family)
    {
        if (path == "-") return new DumpText(streams.In.ReadToEnd(), StdinName, family);
        try
        {
            var text = File.ReadAllText(path);
            return new DumpText(text, path, family ?? FamilyFromFileName.Guess(text, path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure($"cannot read {path}: {e.Message}");
        }
    }

    /// <param name="strict">--strict: every warning is an error.</param>
    public static LoadedRulesets Parse(IEnumerable<DumpText> dumps, bool strict)
    {
        var rulesets = ImmutableArray.CreateBuilder<Ruleset>();
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var dump in dumps)
        {
            var result = IptablesSaveReader.Read(dump.Text, dump.Name, dump.Family);
            if (strict) result = result.Strict();
            diagnostics.AddRange(result.Diagnostics);
            if (result.Succeeded && result.Value is not null) rulesets.Add(result.Value);
        }

        return new LoadedRulesets(rulesets.ToImmutable(), diagnostics.ToImmutable());
    }

    /// <summary>The JSON of <c>nft -j list ruleset</c>: native tables to merge with the iptables view.</summary>
    public static ParseResult<Ruleset> ParseNft(DumpText json, bool strict)
    {
        var result = NftJsonReader.Read(json.Text, json.Name);
        return strict ? result.Strict() : result;
    }

    public LoadedRulesets Load(InputOptions input, bool strict) => Parse(ReadIptables(input), strict);
}
