using DockerFw.Cli.Live;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;

namespace DockerFw.Cli.Apply;

/// <summary>
/// The nft part of an apply (<see cref="PolicyApplier"/>) of dockerfw's nft table (Docker 29's
/// nftables backend): a backup of dockerfw's tables (<c>nft -j list table</c>) and the undo input, the
/// plan loaded with one <c>nft -f</c> (both families in one transaction), a read-back that must equal
/// the proved table, and the undo: one <c>nft -j -f</c> that recreates dockerfw's tables exactly as
/// backed up (<see cref="NftRollback"/>). Only dockerfw's tables are named, so Docker's
/// <c>docker-bridges</c> and everything else stay as they are now.
/// </summary>
internal sealed class NftPolicyApplier(HostShell shell, TextWriter log, PolicyPlan plan) : IApplyBackend
{
    private readonly (IpFamily Family, PolicyPlan? Half)[] families = [(IpFamily.V4, plan), (IpFamily.V6, plan.Ipv6)];
    private readonly NftRollback rollback = new(shell, log);
    private NftRollback.Saved? saved;
    private string? input;

    public string? Prepare(ApplyFiles files)
    {
        var tables = new List<Table?>();
        var listings = new List<string>();
        foreach (var (family, _) in families)
        {
            var (table, listing, problem) = rollback.Read(family);
            if (problem is not null) return $"{problem}; nothing applied{files.Kept}";

            var f = NftPolicyTable.FamilyOf(family);
            files.Backup($"nft-{f}-{NftPolicyTable.Name}", ".json", listing, $"dockerfw's table {f} {NftPolicyTable.Name}");
            tables.Add(table);
            listings.Add(listing);
        }

        var undo = files.Write("undo-nft", ".json", NftRollback.UndoInput(listings));
        input = files.Write("plan-nft", ".nft", plan.RestoreInput);
        saved = new NftRollback.Saved(undo, [.. files.Backups], [.. tables]);
        return null;
    }

    public IEnumerable<string[]> UndoCommands() => [shell.Argv("nft", "-j", "-f", saved!.Undo)];

    public string? Load()
    {
        var applied = shell.Run("nft", "-f", input!);
        if (applied.ExitCode != 0) return $"nft -f refused the plan: {applied.Stderr.Trim()}";
        foreach (var ((family, half), before) in families.Zip(saved!.Tables))
        {
            var expected = half is null ? before : NftPolicyTable.Of(half.After, family);
            var (now, _, readProblem) = rollback.Read(family);
            var problem = readProblem ?? NftPolicyTable.Differs(expected, now);
            if (problem is not null) return $"the table read back differs from the plan: {problem}";
        }

        return null;
    }

    public bool Undo(string why) => rollback.Undo(saved!, why);
}
