namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Runs a seed and sorts its disagreements into known wrong answers and new ones. With shrinking on,
/// each class's tamper list is shrunk first (the scenario re-run without one edit at a time, the edit
/// left out while the class still shows; runs are shared between classes), so that "known" is judged
/// on the edits that cause it; the host of the shrunk run is written as a fixture when
/// <c>DOCKERFW_ORACLE_FIXTURES</c> names a directory.
/// </summary>
public static class Oracle
{
    public static SeedReport RunSeed(int seed, bool shrink)
    {
        var spec = ScenarioGenerator.Generate(seed);
        var outcome = ScenarioRun.Run(spec);
        var runs = new Dictionary<string, ScenarioOutcome> { [Key(spec.Tampers)] = outcome };
        var known = new List<(Disagreement, KnownWrongAnswer)>();
        var fresh = new List<ShrunkDisagreement>();
        foreach (var group in outcome.Disagreements.GroupBy(d => (d.Phase, d.Class)))
        {
            var (tampers, last) = shrink ? Shrink(spec, group.Key, runs) : (spec.Tampers, outcome);
            var shrunkSpec = spec.WithTampers(tampers);
            var representative = last.Disagreements.FirstOrDefault(x => (x.Phase, x.Class) == group.Key) ?? group.First();
            if (KnownWrongAnswer.For(representative, shrunkSpec) is { } k) known.AddRange(group.Select(d => (d, k)));
            else fresh.Add(new ShrunkDisagreement(representative, tampers, group.Count(), Fixtures.Write(last, representative, tampers)));
        }

        return new SeedReport(outcome, known, fresh);
    }

    private static (IReadOnlyList<Tamper>, ScenarioOutcome) Shrink(ScenarioSpec spec, (string? Phase, string Class) cls, Dictionary<string, ScenarioOutcome> runs)
    {
        var tampers = spec.Tampers.ToList();
        var last = runs[Key(tampers)];
        for (var i = tampers.Count - 1; i >= 0; i--)
        {
            var without = tampers.Where((_, j) => j != i).ToList();
            if (!runs.TryGetValue(Key(without), out var rerun)) runs[Key(without)] = rerun = ScenarioRun.Run(spec.WithTampers(without));
            if (rerun.Disagreements.Any(d => (d.Phase, d.Class) == cls))
            {
                tampers = without;
                last = rerun;
            }
        }

        return (tampers, last);
    }

    private static string Key(IEnumerable<Tamper> tampers) => string.Join('|', tampers);
}
