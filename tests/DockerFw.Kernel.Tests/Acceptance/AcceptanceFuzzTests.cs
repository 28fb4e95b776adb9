using Xunit.Abstractions;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// dockerfw accepts what the kernel loads and refuses what it refuses, over seeded mutants of the
/// corpus. CI runs a bounded number; scripts/fuzz-accept.sh runs more (DOCKERFW_FUZZ_CASES,
/// DOCKERFW_FUZZ_SEED, DOCKERFW_FUZZ_NFT=1 to load with nft too, DOCKERFW_FUZZ_REPORT=FILE,
/// DOCKERFW_FUZZ_ONLY=N,M... to run only those cases of the seed).
/// </summary>
public sealed class AcceptanceFuzzTests(ITestOutputHelper output)
{
    private const int CiCases = 120;
    private const double Goal = 0.995;

    [KernelFact]
    public void Dockerfw_agrees_with_the_kernels_load_on_mutants_of_the_corpus()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("DOCKERFW_FUZZ_CASES"), out var c) ? c : CiCases;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("DOCKERFW_FUZZ_SEED"), out var s) ? s : 2026_12_04;
        var withNft = Environment.GetEnvironmentVariable("DOCKERFW_FUZZ_NFT") == "1";
        var only = Environment.GetEnvironmentVariable("DOCKERFW_FUZZ_ONLY") is { Length: > 0 } list
            ? list.Split(',').Select(int.Parse).ToHashSet() : null;
        var outcomes = AcceptanceFuzz.Run(seed, cases, withNft, only).ToList();
        var differ = outcomes.Where(o => !o.Agrees).ToList();
        var summary = $"seed {seed}: {outcomes.Count - differ.Count}/{outcomes.Count} agree with iptables-legacy-restore "
            + $"({100.0 * (outcomes.Count - differ.Count) / outcomes.Count:F2}%); dockerfw accepts {differ.Count(o => o.Ours)} it refuses, refuses {differ.Count(o => !o.Ours)} it loads; "
            + $"{differ.Count(o => o.Deliberate)} of the differences deliberate (docs/acceptance.md); kernel refuses {outcomes.Count(o => !o.Legacy)} mutants in all"
            + (withNft ? $"; nft and legacy differ on {outcomes.Count(o => o.Nft != o.Legacy)}, dockerfw and nft on {outcomes.Count(o => o.Nft != o.Ours)}" : "");
        var report = summary + "\n" + string.Concat(differ.Select(AcceptanceFuzz.Describe))
            + (withNft ? "--- nft differs from legacy ---\n" + string.Concat(outcomes.Where(o => o.Nft != o.Legacy).Select(AcceptanceFuzz.Describe)) : "");
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable("DOCKERFW_FUZZ_REPORT") is { Length: > 0 } file) File.WriteAllText(file, report);
        // Each differing mutant whole, to load and read by hand.
        if (Environment.GetEnvironmentVariable("DOCKERFW_FUZZ_KEEP") is { Length: > 0 } keep)
            foreach (var o in differ) File.WriteAllText(Path.Combine(keep, $"seed-{seed}-case-{o.Case}.txt"), o.Mutant);
        Assert.True(outcomes.Count - differ.Count >= Goal * outcomes.Count, report);
        Assert.True(differ.All(o => o.Deliberate), report);
    }
}
