using System.Collections.Immutable;
using System.Text;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Core.Text;

namespace DockerFw.Cli.Input;

/// <summary>Rulesets read and parsed, with every diagnostic; usable only when <see cref="Succeeded"/>.</summary>
/// <param name="Texts">The text each ruleset was read from, in the same order.</param>
internal sealed record LoadedRulesets(ImmutableArray<Ruleset> Rulesets, ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<DumpText> Texts)
{
    public bool Succeeded => !Diagnostics.Any(d => d.IsError);
}

/// <summary>
/// Turns <see cref="InputOptions"/> into dump texts (files, stdin or the live host) and parses them.
/// Every command that reads rules goes through here, by way of <see cref="HostLoader"/>.
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

    /// <summary>The other back end's dumps named on the command line (<c>--iptables-legacy</c>, <c>--ip6tables-legacy</c>).</summary>
    public ImmutableArray<DumpText> ReadOtherBackends(InputOptions input)
    {
        var dumps = ImmutableArray.CreateBuilder<DumpText>();
        if (input.IptablesLegacy is not null) dumps.Add(ReadFile(input.IptablesLegacy, IpFamily.V4));
        if (input.Ip6tablesLegacy is not null) dumps.Add(ReadFile(input.Ip6tablesLegacy, IpFamily.V6));
        return dumps.ToImmutable();
    }

    /// <summary>Reads a dump file, or stdin for <c>-</c>. <paramref name="family"/> null: the header, the file name, else IPv4.</summary>
    public DumpText ReadFile(string path, IpFamily? family) => ReadFile(path, family, InputLimits.Dump, "an iptables dump");

    /// <param name="limit">The most it reads (<see cref="InputLimits"/>); <paramref name="what"/> names the input in the message.</param>
    private DumpText ReadFile(string path, IpFamily? family, long limit, string what)
    {
        if (path == "-")
        {
            // The console's stdin as bytes, so that names that are no UTF-8 keep them too.
            var input = streams.InBytes is { } bytes
                ? Utf8Escaped.Decode(BoundedRead.Bytes(bytes, limit, StdinName, what))
                : BoundedRead.Text(streams.In, limit, StdinName, what);
            return new DumpText(input, StdinName, family);
        }

        var text = ReadText(path, limit, what);
        return new DumpText(text, path, family ?? FamilyFromFileName.Guess(text, path)) { File = new DumpFile(path, 0, Captured: false, Archive: null) };
    }

    /// <summary>
    /// The file as text, like <see cref="File.ReadAllText(string)"/>: UTF-8 unless a byte order mark
    /// says otherwise. Decoded from its bytes in one go, which on a 15 MB dump allocates 12 MB less
    /// than the reader's buffers and builder.
    /// </summary>
    private static string ReadText(string path, long limit, string what)
    {
        var bytes = BoundedRead.Bytes(path, limit, what);
        ReadOnlySpan<byte> utf8Bom = [0xEF, 0xBB, 0xBF];
        // Bytes that are no UTF-8 (a chain or interface name, a comment) are kept, to be written back as they were.
        if (bytes.AsSpan().StartsWith(utf8Bom)) return Utf8Escaped.Decode(bytes.AsSpan(utf8Bom.Length));
        // UTF-16 and UTF-32 marks: the rare case, left to the reader that detects them.
        if (bytes is [0xFE, 0xFF, ..] or [0xFF, 0xFE, ..] or [0, 0, 0xFE, 0xFF, ..]) return BoundedRead.Decode(bytes);
        return Utf8Escaped.Decode(bytes);
    }

    /// <param name="strict">--strict: every warning is an error.</param>
    public static LoadedRulesets Parse(IEnumerable<DumpText> dumps, bool strict)
    {
        var rulesets = ImmutableArray.CreateBuilder<Ruleset>();
        var texts = ImmutableArray.CreateBuilder<DumpText>();
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var dump in dumps)
        {
            var result = IptablesSaveReader.Read(dump.Text, dump.Name, dump.Family);
            if (strict) result = result.Strict();
            diagnostics.AddRange(result.Diagnostics);
            if (result.Succeeded && result.Value is not null)
            {
                rulesets.Add(result.Value);
                texts.Add(dump);
            }
        }

        return new LoadedRulesets(rulesets.ToImmutable(), diagnostics.ToImmutable(), texts.ToImmutable());
    }

    /// <summary>What live mode names the nft listing it read from the host.</summary>
    public const string LiveNftName = "nft -j list ruleset";

    /// <summary>The nft listing to read: <c>--nft FILE</c>, else the one live mode read from the host; null when neither.</summary>
    public DumpText? ReadNft(InputOptions input, string? liveJson) =>
        input.Nft is { } file ? ReadFile(file, null, InputLimits.NftJson, "nft JSON")
        : liveJson is not null ? new DumpText(liveJson, LiveNftName, null)
        : null;

    /// <summary>
    /// One family's rules as the kernel runs them. Native nft tables (Docker 29's nftables backend,
    /// firewalld, a hand-written inet table) run on the same hooks as iptables' tables, so both
    /// families' rulesets carry them; the engines pick the tables of the packet's family.
    /// </summary>
    public static Ruleset WithNative(Ruleset iptables, Ruleset? nft) => nft is null ? iptables : HostRuleset.Merge(iptables, nft);

    /// <summary>The JSON of <c>nft -j list ruleset</c>: native tables to merge with the iptables view.</summary>
    public static ParseResult<Ruleset> ParseNft(DumpText json, bool strict)
    {
        var result = NftJsonReader.Read(json.Text, json.Name);
        return strict ? result.Strict() : result;
    }
}
