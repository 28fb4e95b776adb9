using System.Text;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Snapshot;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.Fuzz;

/// <summary>
/// Seeded mutants of every structured input (nft JSON, Docker JSON, policies) through their
/// readers and on into the audit, and of approved snapshot files through the drift check: never an
/// exception, only diagnostics, and never slow. A failure names the seed and case and prints the mutant. DOCKERFW_FUZZ_CASES runs longer (scripts/fuzz-inputs.sh).
/// </summary>
public sealed class InputFuzzTests
{
    private const int Seed = 2026_12_04;

    private static int Cases(int ci) =>
        int.TryParse(Environment.GetEnvironmentVariable("DOCKERFW_FUZZ_CASES"), out var n) && n > 0 ? n : ci;

    private static readonly Lazy<Ruleset> LabRules = new(() =>
        IptablesSaveReader.Read(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save")), "lab").Value!);

    private static string LabFile(string name) => File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", name));

    [Fact]
    public void Docker_JSON_mutants_give_diagnostics_and_audits_never_an_exception()
    {
        var sources = new[] { LabFile("docker-networks.json"), LabFile("docker-containers.json") };
        Run(Cases(400), sources, (text, i) =>
        {
            var read = DockerInspectReader.Read(text, "m.json");
            if (read.Value is null || !read.Succeeded) return;
            var other = DockerInspectReader.Read(sources[(i + 1) % 2], "o.json").Value!;
            Auditor.Run(new AuditContext(LabRules.Value, Ruleset.Empty(IpFamily.V6), read.Value.Merge(other), HostSettings.Unknown) { ContainerMatrix = true });
        });
    }

    [Fact]
    public void Nft_JSON_mutants_give_diagnostics_and_audits_never_an_exception()
    {
        var sources = Corpus.Files("nft", "*.json").Select(File.ReadAllText).ToArray();
        Run(Cases(400), sources, (text, _) =>
        {
            var read = NftJsonReader.Read(text, "m.json");
            if (read.Value is null || !read.Succeeded) return;
            Auditor.Run(new AuditContext(HostRuleset.Merge(LabRules.Value, read.Value), Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown));
        });
    }

    [Fact]
    public void Policy_mutants_give_diagnostics_never_an_exception()
    {
        var view = DockerInspectReader.Read(LabFile("docker-networks.json"), "n").Value!.Merge(DockerInspectReader.Read(LabFile("docker-containers.json"), "c").Value!);
        var sources = Directory.GetFiles(Path.Combine(Corpus.RepoRoot, "rules"), "*.policy").Select(File.ReadAllText).ToArray();
        var random = new Random(Seed);
        for (var i = 0; i < Cases(2000); i++)
        {
            var mutant = MutateWords(sources[random.Next(sources.Length)], random);
            Guard(i, mutant, () =>
            {
                var document = PolicyReader.Read(mutant, "m.policy");
                if (document.Value is not null) PolicyResolver.Resolve(document.Value, view);
            });
        }
    }

    [Fact]
    public void Snapshot_file_mutants_are_compared_with_the_host_never_an_exception()
    {
        // The approved file is what a user keeps in git and edits by hand: lines lost, repeated, moved,
        // cut, or holding words from elsewhere. `snapshot --check` diffs it and judges what it changes.
        var view = DockerInspectReader.Read(LabFile("docker-networks.json"), "n").Value!.Merge(DockerInspectReader.Read(LabFile("docker-containers.json"), "c").Value!);
        var approved = HostSnapshot.Of([LabRules.Value], view);
        var random = new Random(Seed);
        for (var i = 0; i < Cases(300); i++)
        {
            var mutant = MutateLines(approved, random);
            Guard(i, mutant, () =>
            {
                DockerFw.Core.Remediation.UnifiedDiff.Of(mutant, approved, "snapshot");
                BehaviourDrift.Compare(mutant, "approved.txt", LabRules.Value, view, HostSettings.Unknown);
            });
        }
    }

    private static readonly string[] SnapshotWords =
    [
        "*filter", "*nat", "COMMIT", ":DOCKER - [0:0]", "-A FORWARD -j DOCKER", "-j", "-m", "!", "--comment", "\"", "{bridge:",
        "{container:", "}", "# docker", "br-", "172.17.0.0/16", "999.1.1.1", "\u001b[2J", "\u0000", "\r", new string('a', 300),
    ];

    private static string MutateLines(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        for (var n = random.Next(1, 5); n > 0 && lines.Count > 1; n--)
        {
            var at = random.Next(lines.Count);
            switch (random.Next(5))
            {
                case 0: lines.RemoveAt(at); break;
                case 1: lines.Insert(at, lines[random.Next(lines.Count)]); break;
                case 2: (lines[at], lines[^1]) = (lines[^1], lines[at]); break;
                case 3: lines[at] = lines[at][..random.Next(lines[at].Length + 1)]; break;
                default:
                    var words = lines[at].Split(' ').ToList();
                    words.Insert(random.Next(words.Count + 1), SnapshotWords[random.Next(SnapshotWords.Length)]);
                    lines[at] = string.Join(' ', words);
                    break;
            }
        }

        return string.Join('\n', lines);
    }

    private static readonly string[] PolicyWords =
    [
        "network", "icc", "on", "off", "allow", "publish", "from", "to", "docker-user", "default", "drop", "accept",
        "{", "}", ";", ",", "#", "\"", "tcp/", "udp/80", "tcp/0", "tcp/65536", "tcp/1-", "web", "backend", "frontend",
        "10.0.0.0/33", "::/0", "999.1.1.1", "\n", " ", "\u001b[2J", "\u0000", new string('a', 300),
    ];

    private static string MutateWords(string text, Random random)
    {
        var builder = new StringBuilder(text);
        for (var n = random.Next(1, 5); n > 0; n--)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(3))
            {
                case 0: builder.Insert(at, PolicyWords[random.Next(PolicyWords.Length)]); break;
                case 1: builder.Remove(at, Math.Min(random.Next(1, 12), builder.Length - at)); break;
                default: builder.Insert(at, builder.ToString(random.Next(at + 1), Math.Min(40, builder.Length - at))); break;
            }
        }

        return builder.ToString();
    }

    private static void Run(int cases, string[] sources, Action<string, int> read)
    {
        var random = new Random(Seed);
        for (var i = 0; i < cases; i++)
        {
            var mutant = JsonMutator.Mutate(sources[random.Next(sources.Length)], random);
            Guard(i, mutant, () => read(mutant, i));
        }
    }

    // A mutant must neither throw nor take long: any input of this size is read in milliseconds. The
    // bound is on this thread's CPU time, so a loaded machine does not fail it.
    private static void Guard(int i, string mutant, Action action)
    {
        var cpu = TimeSpan.Zero;
        try
        {
            cpu = ThreadCpu.Of(action);
        }
        catch (Exception e)
        {
            var kept = Path.Combine(Path.GetTempPath(), $"dockerfw-fuzz-{Seed}-{i}.txt");
            File.WriteAllText(kept, mutant);
            throw new Xunit.Sdk.XunitException($"seed {Seed}, case {i}: {e.GetType().Name}: {e.Message} (the whole mutant: {kept})\n--- mutant ---\n{Shorten(mutant)}\n--- ---\n{e}");
        }

        if (cpu > TimeSpan.FromSeconds(10))
            throw new Xunit.Sdk.XunitException($"seed {Seed}, case {i}: took {cpu.TotalSeconds:0.0} s of CPU\n--- mutant ---\n{Shorten(mutant)}");
    }

    private static string Shorten(string text) => text.Length <= 4000 ? text : text[..4000] + $"... ({text.Length} characters)";
}
