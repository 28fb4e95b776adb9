using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// Hosts where Docker left FORWARD's jump to DOCKER-USER behind its own per-bridge ACCEPTs (Docker
/// 20.10 after firewalld's reload, oracle seeds 14 and 5121; the audit's DFW603): the plan also moves
/// the jump first, in its one transaction, says why, and proves the result; only when it must. Its
/// undo puts the jump back after the rule it followed and names nothing else of FORWARD.
/// </summary>
public sealed class ForwardJumpPlanTests
{
    public static TheoryData<string, int, int> Hosts() => new()
    {
        // the jump is rule 17 of 18, behind docker0's '-i docker0 ! -o docker0 -j ACCEPT'
        { "seed-14-jump-last", 17, 18 },
        // rule 13 of 14, behind n0's '-i br-9480c2cfb2b0 -o br-9480c2cfb2b0 -j ACCEPT'
        { "seed-5121-jump-last", 13, 14 },
    };

    public static TheoryData<string> Fixtures() => [.. Hosts().Select(h => (string)h[0])];

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_plan_moves_the_jump_first_in_its_one_transaction_with_its_reason(string fixture, int position, int rules)
    {
        var (host, _, policy) = PolicyFixture.Read(fixture);

        var plan = PolicyPlanner.Plan(host, policy);

        Assert.True(plan.Value is not null, string.Join("\n", plan.Diagnostics.Select(d => d.Render())));
        Assert.Equal(new ForwardJump(position, 1, rules, Forward(host)[position - 2]), plan.Value!.MovesJump);
        var input = plan.Value.RestoreInput.Split('\n');
        Assert.Equal(
        [
            "*filter",
            ":DOCKERFW-POLICY - [0:0]",
            $"# FORWARD's jump to DOCKER-USER moved first (DFW603: FORWARD decides traffic before its jump to DOCKER-USER (rule {position} of {rules}), and no rule in DOCKER-USER sees that traffic)",
            "-D FORWARD -j DOCKER-USER",
            "-I FORWARD 1 -j DOCKER-USER",
            "-I DOCKER-USER 1 -j DOCKERFW-POLICY",
        ], input[..6]);
        Assert.Equal("COMMIT", input[^2]);
        Assert.Equal(["-A FORWARD -j DOCKER-USER", .. Forward(host).Where((_, i) => i != position - 1)], Forward(plan.Value.After));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_audit_finds_the_planned_host_as_the_policy_says_and_the_host_before_not(string fixture)
    {
        var host = PolicyFixture.Read(fixture);

        var after = PolicyPlanner.Plan(host.Host, host.Policy).Value!.After;

        Assert.DoesNotContain(host.Findings(after), f => f.Code.Code is "DFW901" or "DFW902" or "DFW903");
        Assert.Contains(host.Findings(host.Host), f => f.Code.Code == "DFW902");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_plan_and_its_diff_are_the_approved_ones(string fixture)
    {
        var (host, _, policy) = PolicyFixture.Read(fixture);

        var plan = PolicyPlanner.Plan(host, policy).Value!;

        Snapshots.Verify($"# {fixture}/oracle.policy over {fixture}/iptables-save\n{plan.RestoreInput}\n{plan.Diff}", $"jump-last.{fixture}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Planning_again_on_the_planned_state_changes_nothing_and_moves_nothing(string fixture)
    {
        var (host, _, policy) = PolicyFixture.Read(fixture);
        var first = PolicyPlanner.Plan(host, policy).Value!;

        var second = PolicyPlanner.Plan(first.After, policy).Value!;

        Assert.True(second.ChangesNothing);
        Assert.Null(second.MovesJump);
    }

    [Fact]
    public void A_jump_behind_dockers_rules_stays_where_it_is_when_the_plan_needs_nothing_of_it_there()
    {
        var (host, view, _) = PolicyFixture.Read("seed-5121-jump-last");
        // Everything open, as FORWARD's ACCEPTs ahead of the jump already have it (firewalld's reload
        // also emptied Docker's isolation chains here): the plan needs nothing of DOCKER-USER there.
        var policy = PolicyResolver.Resolve(PolicyReader.Read("docker-user default accept", "p.policy").Value!, view).Value!;

        var plan = PolicyPlanner.Plan(host, policy).Value!;

        Assert.Null(plan.MovesJump);
        Assert.Equal(Forward(host), Forward(plan.After));
        Assert.DoesNotContain("FORWARD", plan.RestoreInput, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_someone_else_put_ahead_of_dockers_stay_ahead_of_the_moved_jump()
    {
        var (host, _, policy) = PolicyFixture.Read("seed-5121-jump-last");
        // An admin's rule first in FORWARD, for traffic no container sends: put there on purpose.
        const string Admins = "-A FORWARD -s 10.0.0.0/8 -j ACCEPT";
        var admin = WithForward(host, [Admins, .. Forward(host)]);

        var plan = PolicyPlanner.Plan(admin, policy).Value!;

        Assert.Equal(2, plan.MovesJump!.To);
        Assert.Contains("\n-D FORWARD -j DOCKER-USER\n-I FORWARD 2 -j DOCKER-USER\n", plan.RestoreInput, StringComparison.Ordinal);
        Assert.Equal([Admins, ForwardJump.Text], Forward(plan.After)[..2]);
    }

    [Fact]
    public void Without_any_jump_to_docker_user_the_plan_adds_none_and_is_refused_naming_forwards_rule()
    {
        var (host, _, policy) = PolicyFixture.Read("seed-5121-jump-last");
        var forward = host["filter"]!["FORWARD"]!;
        var jumpless = host with
        {
            Tables = [.. host.Tables.Select(t => t.Name != "filter" ? t : t with
            {
                Chains = [.. t.Chains.Select(c => c != forward ? c : c with { Rules = [.. c.Rules.Where(r => IptablesSaveWriter.FormatRule(r) != ForwardJump.Text)] })],
            })],
        };

        var plan = PolicyPlanner.Plan(jumpless, policy);

        Assert.Null(plan.Value);
        Assert.Contains(plan.Diagnostics, d => d.Code == "DFW831" && d.Message.Contains("decided by filter/FORWARD#9", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_undo_puts_the_jump_back_after_the_rule_it_followed_and_keeps_rules_docker_added_since(string fixture, int position, int _)
    {
        var (host, _, policy) = PolicyFixture.Read(fixture);
        var plan = PolicyPlanner.Plan(host, policy).Value!;
        // What Docker may do during the confirmation wait: a rule inserted first (ahead of the moved
        // jump), one appended.
        const string Inserted = "-A FORWARD -o br-0123456789ab -j DOCKER", Appended = "-A FORWARD -i br-0123456789ab -o br-0123456789ab -j ACCEPT";
        var now = WithForward(plan.After, [Inserted, .. Forward(plan.After), Appended]);

        var undo = PolicyUndo.RestoreInput(host, now, plan.MovesJump)!;
        var restored = Applied(Forward(now), undo);

        Assert.Contains($"FORWARD's jump to DOCKER-USER is ahead of the rule it followed (rule {position - 1} before the plan)", PolicyUndo.Differs(host, now, plan.MovesJump), StringComparison.Ordinal);
        Assert.Equal([Inserted, .. Forward(host), Appended], restored);
        Assert.DoesNotContain("FORWARD", PolicyUndo.Differs(host, WithForward(now, restored), plan.MovesJump) ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void The_undo_leaves_forward_alone_when_the_plan_did_not_move_the_jump_or_someone_moved_it_since()
    {
        var (host, _, policy) = PolicyFixture.Read("seed-5121-jump-last");
        var plan = PolicyPlanner.Plan(host, policy).Value!;
        // Docker puts the jump first itself when it creates a network: not dockerfw's move to undo.
        var dockerMovedIt = plan.After;
        // Someone put it back behind Docker's rules since the apply: that is as it was.
        var movedBack = WithForward(plan.After, [.. Forward(host)]);

        Assert.DoesNotContain("FORWARD", PolicyUndo.RestoreInput(host, dockerMovedIt)!, StringComparison.Ordinal);
        Assert.DoesNotContain("FORWARD", PolicyUndo.RestoreInput(host, movedBack, plan.MovesJump)!, StringComparison.Ordinal);
    }

    private static List<string> Forward(Ruleset ruleset) => [.. ruleset["filter"]!["FORWARD"]!.Rules.Select(r => IptablesSaveWriter.FormatRule(r))];

    private static Ruleset WithForward(Ruleset ruleset, IEnumerable<string> rules)
    {
        var save = IptablesSaveWriter.Write(ruleset, includeCounters: false).Split('\n')
            .Where(l => !l.StartsWith("-A FORWARD ", StringComparison.Ordinal)).ToList();
        save.InsertRange(save.FindIndex(l => l.StartsWith("-A ", StringComparison.Ordinal)), rules);
        return IptablesSaveReader.Read(string.Join('\n', save), "now", IpFamily.V4).Value!;
    }

    /// <summary>
    /// FORWARD after the undo's FORWARD lines, as iptables-restore runs them (-D the first rule that
    /// matches, -I at a 1-based place, -A last); the kernel tests run the real one.
    /// </summary>
    private static List<string> Applied(List<string> forward, string undo)
    {
        var rules = new List<string>(forward);
        foreach (var line in undo.Split('\n'))
        {
            var words = line.Split(' ');
            if (words.Length < 2 || words[1] != "FORWARD") continue;
            var rule = "-A FORWARD " + string.Join(' ', words.SkipWhile(w => w != "-j"));
            switch (words[0])
            {
                case "-D": rules.Remove(rule); break;
                case "-I": rules.Insert(int.Parse(words[2], System.Globalization.CultureInfo.InvariantCulture) - 1, rule); break;
                case "-A": rules.Add(rule); break;
            }
        }

        return rules;
    }
}
