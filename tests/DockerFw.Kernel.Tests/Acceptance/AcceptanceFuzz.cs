using System.Text;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// Mutants of the corpus dumps the kernel loads, each read by dockerfw and loaded for real (not
/// --test: the kernel's own checks, such as loops, run only on commit) with
/// <c>ip(6)tables-legacy-restore</c> (with --counters when its rules carry counters) into a fresh namespace; optionally with the nft
/// back end as well. Counts where dockerfw's acceptance and the kernel's agree (docs/acceptance.md).
/// </summary>
internal static class AcceptanceFuzz
{
    public sealed record Outcome(int Case, string Source, string Mutant, bool Ours, string? OurError, IReadOnlyList<string> OurCodes, bool Legacy, string LegacyError, bool? Nft)
    {
        public bool Agrees => Ours == Legacy;

        /// <summary>A difference docs/acceptance.md lists as deliberate, told by the diagnostic dockerfw gave.</summary>
        public bool Deliberate => !Agrees && (Ours
            ? OurCodes.Any(code => code is "DFW150" or "DFW151" or "DFW153") || LegacyError.Contains("Set ", StringComparison.Ordinal)
            : OurError?.Contains("(not the name of a target)", StringComparison.Ordinal) == true || StopsRestore(OurError));

        // -V and -h (alone or first in a cluster of short options, as getopt reads "-V-reject-with")
        // make restore print and exit 0 mid-dump; dockerfw refuses the option (docs/acceptance.md).
        private static bool StopsRestore(string? error) =>
            error is not null && (error.Contains("unknown option \"-V", StringComparison.Ordinal) || error.Contains("unknown option \"-h", StringComparison.Ordinal)
                || error.Contains("unknown option \"--version", StringComparison.Ordinal) || error.Contains("unknown option \"--help", StringComparison.Ordinal));
    }

    /// <summary>The corpus dumps the legacy kernel loads as they are, with their family.</summary>
    public static IReadOnlyList<(string Path, IpFamily Family)> Seeds() =>
        Corpus.Files("syntax", "*.iptables-save").Concat(Corpus.Files("syntax", "*.ip6tables-save"))
            .Where(path => !Path.GetFileName(path).Contains(".invalid.", StringComparison.Ordinal))
            .Concat(Corpus.Files("docker", "*.iptables-save"))
            .Concat(Corpus.Files("real-world", "*").Where(path => new FileInfo(path).Length < 200_000 && File.ReadAllText(path).Contains("\nCOMMIT", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Dump.Of(Path.GetFileName(path), File.ReadAllText(path), path).Family))
            .Where(seed => Load(File.ReadAllText(seed.Path), seed.Family, legacy: true).Ok
                           && IptablesSaveReader.Read(File.ReadAllText(seed.Path), "seed", seed.Family).Succeeded)
            .ToList();

    /// <param name="only">When not null, the cases to read and load; the others are drawn (so each case is the same mutant) and skipped.</param>
    public static IEnumerable<Outcome> Run(int seed, int cases, bool withNft, IReadOnlySet<int>? only = null)
    {
        var seeds = Seeds();
        var random = new Random(seed);
        for (var i = 0; i < cases; i++)
        {
            var (path, family) = seeds[random.Next(seeds.Count)];
            var mutant = DumpMutator.Mutate(File.ReadAllText(path), random);
            if (only is not null && !only.Contains(i)) continue;
            var read = IptablesSaveReader.Read(mutant, "m", family);
            var legacy = Load(mutant, family, legacy: true);
            bool? nft = withNft ? Load(mutant, family, legacy: false).Ok : null;
            yield return new Outcome(i, Path.GetRelativePath(Corpus.PathOf(), path), mutant, read.Succeeded,
                read.Errors.FirstOrDefault()?.Render(), [.. read.Diagnostics.Select(d => d.Code).Distinct()], legacy.Ok, legacy.Error.Trim(), nft);
        }
    }

    private static ProcessResult Load(string text, IpFamily family, bool legacy)
    {
        using var netns = Netns.Create("dfwa-");
        var tool = family == IpFamily.V6 ? "ip6tables" : "iptables";
        foreach (var set in Dump.Of("m", text).Sets.Where(s => s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')).Take(8))
            netns.Exec("ipset", "-exist", "create", set, "hash:net", "family", family == IpFamily.V6 ? "inet6" : "inet");
        // As KernelTables.Restore: a dump whose rules carry counters is restored with them.
        var command = $"{tool}-{(legacy ? "legacy" : "nft")}-restore";
        var result = Dump.Of("m", text).HasCounters ? netns.ExecWithInput(text, command, "--counters") : netns.ExecWithInput(text, command);
        return result;
    }

    /// <summary>A disagreement as a few lines: the case, the seed dump, dockerfw's first error, the kernel's.</summary>
    public static string Describe(Outcome o)
    {
        var text = new StringBuilder();
        text.Append($"case {o.Case} ({o.Source}){(o.Deliberate ? " [deliberate]" : "")}: dockerfw {(o.Ours ? "accepts" : "refuses")}, legacy {(o.Legacy ? "loads" : "refuses")}");
        if (o.Nft is { } nft) text.Append($", nft {(nft ? "loads" : "refuses")}");
        text.Append('\n');
        if (o.OurError is { } ours) text.Append("  dockerfw: ").Append(ours).Append('\n');
        else if (o.OurCodes.Count > 0) text.Append("  dockerfw warns: ").Append(string.Join(", ", o.OurCodes)).Append('\n');
        if (!o.Legacy) text.Append("  kernel: ").Append(o.LegacyError.Replace("\n", " | ", StringComparison.Ordinal)).Append('\n');
        // Where the mutant departs from its seed, to reproduce the case by hand: the first and last lines that differ.
        var seedLines = File.ReadAllText(Corpus.PathOf(o.Source)).Split('\n');
        var mutantLines = o.Mutant.Split('\n');
        var first = 0;
        while (first < Math.Min(seedLines.Length, mutantLines.Length) && seedLines[first] == mutantLines[first]) first++;
        var tail = 0;
        while (tail < Math.Min(seedLines.Length, mutantLines.Length) - first && seedLines[^(tail + 1)] == mutantLines[^(tail + 1)]) tail++;
        for (var n = first; n < mutantLines.Length - tail && n < first + 4; n++) text.Append($"  line {n + 1}: {mutantLines[n]}\n");
        if (mutantLines.Length - tail <= first) text.Append($"  line {first + 1} of the seed dropped: {seedLines[first]}\n");
        return text.ToString();
    }
}
