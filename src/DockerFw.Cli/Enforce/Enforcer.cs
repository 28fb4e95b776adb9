using DockerFw.Cli.Apply;
using DockerFw.Cli.Input;
using DockerFw.Core.Host;

namespace DockerFw.Cli.Enforce;

/// <summary>
/// Keeps a policy in force: a round loads the live host, plans the policy and, when the plan changes
/// something (Docker gave a container a new address, a firewall reload flushed DOCKER-USER, dockerfw's
/// chain is gone), applies it the way <c>apply</c> does (lock, backup, one transaction, read-back,
/// undo on failure). Rounds run when the Engine reports a change (after a quiet second, so a
/// <c>compose up</c> is one round) and every <c>interval</c>, which catches what sends no event
/// (firewalld and ufw reloads, an admin's flush). A round that cannot plan or apply leaves the rules
/// as they are and says why; the next one tries again.
/// </summary>
internal sealed class Enforcer(HostLoader loader, IHostCommandRunner runner, EnforceLog log)
{
    /// <summary>Events closer together than this are one round.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    // A flood of events (hundreds of containers starting) must not postpone the round forever.
    private static readonly TimeSpan LongestSettle = TimeSpan.FromSeconds(10);

    private readonly AutoResetEvent wake = new(false);
    private readonly Lock pendingGate = new();
    private readonly List<string> pending = [];

    /// <summary>Asks for a round as soon as the host is quiet: <paramref name="reason"/> is logged with it.</summary>
    public void Wake(string reason)
    {
        lock (pendingGate)
        {
            if (pending.Count < 20) pending.Add(reason);
        }

        wake.Set();
    }

    /// <summary>Rounds until <paramref name="stop"/>; a round in progress is finished first, so a stop never leaves half a change.</summary>
    public void Run(InputOptions input, string policyFile, TimeSpan interval, string backupDirectory, CancellationToken stop)
    {
        var reason = "start";
        while (!stop.IsCancellationRequested)
        {
            Round(input, policyFile, backupDirectory, reason);
            var woken = WaitHandle.WaitAny([wake, stop.WaitHandle], interval);
            if (stop.IsCancellationRequested) break;
            if (woken == WaitHandle.WaitTimeout)
            {
                reason = "periodic check";
                continue;
            }

            var settling = System.Diagnostics.Stopwatch.StartNew();
            while (settling.Elapsed < LongestSettle && WaitHandle.WaitAny([wake, stop.WaitHandle], Settle) == 0)
            {
            }

            reason = TakePending();
        }
    }

    private string TakePending()
    {
        lock (pendingGate)
        {
            var reasons = pending.Distinct(StringComparer.Ordinal).ToList();
            pending.Clear();
            return reasons.Count == 0 ? "woken" : string.Join(", ", reasons);
        }
    }

    private void Round(InputOptions input, string policyFile, string backupDirectory, string reason)
    {
        var quiet = reason == "periodic check";
        var (held, busy) = ApplyLock.Take(input.Netns);
        if (held is null)
        {
            log.Warning("another apply holds the lock; trying again at the next round", ("reason", reason), ("detail", busy!));
            return;
        }

        using (held)
        {
            // What loading says (notes included) matters only when the round cannot go on.
            var loading = new StringWriter { NewLine = "\n" };
            var messages = new StringWriter { NewLine = "\n" };
            LoadedHost loaded;
            try
            {
                loaded = loader.Load(input);
            }
            catch (CliFailure e)
            {
                log.Error("cannot read the host; the rules are left as they are", ("reason", reason), ("detail", e.Message));
                return;
            }

            if (!LoadedHostReport.Write(loaded, loading) || loaded.DockerOrigin != DockerViewOrigin.Engine)
            {
                log.Error("cannot read the host and the Docker Engine's view; the rules are left as they are", ("reason", reason), ("detail", loading.ToString().Trim()));
                return;
            }

            // A plan refused for the host's state (a container of the policy stopped or between
            // networks) is usually passing: a warning, and the next round plans again.
            var plan = PolicyPlanning.Plan(loaded, policyFile, messages);
            if (plan is null)
            {
                log.Warning("the policy cannot be planned on the host as it is now; the rules are left as they are", ("reason", reason), ("policy", policyFile), ("detail", messages.ToString().Trim()));
                return;
            }

            if (plan.ChangesNothing)
            {
                if (!quiet) log.Info("the policy is in force; nothing to change", ("reason", reason), ("policy", policyFile));
                return;
            }

            var applied = new PolicyApplier(runner, messages).Apply(plan, input.Netns, backupDirectory, () => null);
            var detail = messages.ToString().Trim();
            if (applied)
            {
                // A moved jump changes Docker's FORWARD, not only dockerfw's chain: said in a field of its own.
                (string, string)[] moved = [.. PolicyPlanning.MovedJumps(plan).Select(m => ("forward_jump", m))];
                log.Info("applied the policy", [("reason", reason), ("policy", policyFile), ("rules", plan.Rules.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. moved, ("detail", detail)]);
                EnforceBackups.Prune(backupDirectory);
            }
            else
            {
                log.Error("applying the policy failed; dockerfw's changes were undone", ("reason", reason), ("policy", policyFile), ("detail", detail));
            }
        }
    }
}
