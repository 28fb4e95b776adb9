using System.Collections.Immutable;
using System.Text.Json.Nodes;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.NftJson;

namespace DockerFw.Cli.Apply;

/// <summary>
/// Reads dockerfw's nft tables and puts them back as backed up. The undo is one <c>nft -j -f</c>
/// transaction that, per family, creates the table (so that deleting it cannot fail), deletes it and
/// adds back what the backup listed (nothing, when there was no table): only dockerfw's tables are
/// named, so Docker's and every other table keep whatever happened to them meanwhile. Each undo is
/// verified by reading back; a failure names the undo file and the command that loads it, inside
/// the namespace when there is one.
/// </summary>
internal sealed class NftRollback(HostShell shell, TextWriter log)
{
    /// <summary>What an apply saved: the undo file, the backups, and dockerfw's tables as they were (IPv4, IPv6).</summary>
    public sealed record Saved(string Undo, ImmutableArray<string> Backups, ImmutableArray<Table?> Tables);

    /// <summary>dockerfw's table of a family as the kernel lists it (null: none), its listing as text, or what went wrong.</summary>
    public (Table? Table, string Listing, string? Problem) Read(IpFamily family)
    {
        var f = NftPolicyTable.FamilyOf(family);
        var listed = shell.Run("nft", "-j", "list", "table", f, NftPolicyTable.Name);
        // nft says "No such file or directory" for a table that is not there: that is the empty state.
        if (listed.ExitCode != 0)
            return listed.Stderr.Contains("No such file or directory", StringComparison.Ordinal)
                ? (null, Empty, null)
                : (null, "", $"{shell.Describe("nft", "-j", "list", "table", f, NftPolicyTable.Name)} failed: {listed.Stderr.Trim()}");
        var read = NftJsonReader.Read(listed.Stdout, $"nft-{f}-{NftPolicyTable.Name}");
        var table = read.Value?.Tables.FirstOrDefault(t => t.Name == NftPolicyTable.Name && t.Family == f);
        return table is null ? (null, "", $"the listing of table {f} {NftPolicyTable.Name} does not read") : (table, listed.Stdout, null);
    }

    /// <summary>The <c>nft -j -f</c> input that returns each family's table to its backup listing.</summary>
    public static string UndoInput(IReadOnlyList<string> listings)
    {
        var commands = new JsonArray();
        foreach (var (listing, family) in listings.Zip(new[] { IpFamily.V4, IpFamily.V6 }))
        {
            var table = new JsonObject { ["family"] = NftPolicyTable.FamilyOf(family), ["name"] = NftPolicyTable.Name };
            commands.Add((JsonNode)new JsonObject { ["add"] = new JsonObject { ["table"] = table.DeepClone() } });
            commands.Add((JsonNode)new JsonObject { ["delete"] = new JsonObject { ["table"] = table } });
            var items = JsonNode.Parse(listing)?["nftables"]?.AsArray() ?? [];
            foreach (var item in items.OfType<JsonObject>().Where(i => !i.ContainsKey("metainfo")))
                commands.Add((JsonNode)new JsonObject { ["add"] = item.DeepClone() });
        }

        return new JsonObject { ["nftables"] = commands }.ToJsonString() + "\n";
    }

    private const string Empty = "{\"nftables\": []}\n";

    /// <summary>Puts dockerfw's tables back as backed up, saying so on the log; whether they are.</summary>
    public bool Undo(Saved saved, string why)
    {
        try
        {
            var restored = shell.Run("nft", "-j", "-f", saved.Undo);
            if (restored.ExitCode != 0) return Failed(saved, why, restored.Stderr.Trim());
            foreach (var (family, before) in new[] { IpFamily.V4, IpFamily.V6 }.Zip(saved.Tables))
            {
                var (now, _, problem) = Read(family);
                var still = problem ?? NftPolicyTable.Differs(before, now);
                if (still is not null) return Failed(saved, why, $"read back, {still}");
            }

            log.WriteLine($"dockerfw: error: {why}; dockerfw's changes were undone: its nft tables are as in {string.Join(", ", saved.Backups)}, every other table is left as it is now");
            return true;
        }
        catch (Exception e) when (e is CliFailure or IOException or UnauthorizedAccessException)
        {
            return Failed(saved, why, e.Message);
        }
    }

    private bool Failed(Saved saved, string why, string detail)
    {
        log.WriteLine($"dockerfw: error: {why}; undoing dockerfw's changes to its nft tables FAILED: {detail} (undo them by hand with: {string.Join(' ', shell.Argv("nft", "-j", "-f", saved.Undo))}; the backups are {string.Join(", ", saved.Backups)})");
        return false;
    }
}
