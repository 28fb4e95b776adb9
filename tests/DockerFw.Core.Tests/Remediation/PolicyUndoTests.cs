using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Tests.Remediation;

/// <summary>
/// The undo of an apply names dockerfw's chain and its jump only, so that what others changed since
/// (here a DNAT Docker added, a rule in DOCKER) is never part of it.
/// </summary>
public sealed class PolicyUndoTests
{
    private const string Docker = ":FORWARD DROP [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n";

    [Fact]
    public void A_new_chain_and_its_jump_are_deleted_and_nothing_else_is_named()
    {
        var before = Rules(Docker + "-A DOCKER-USER -j RETURN\n");
        var now = Rules(Docker + ":DOCKERFW-POLICY - [0:0]\n-A DOCKER -d 172.17.0.9/32 -j ACCEPT\n-A DOCKER-USER -j DOCKERFW-POLICY\n-A DOCKER-USER -j RETURN\n-A DOCKERFW-POLICY -j DROP\n");

        var undo = PolicyUndo.RestoreInput(before, now);

        Assert.Equal("*filter\n:DOCKERFW-POLICY - [0:0]\n-D DOCKER-USER -j DOCKERFW-POLICY\n-X DOCKERFW-POLICY\nCOMMIT\n", undo);
        Assert.Equal("DOCKERFW-POLICY is not as it was and DOCKER-USER has 1 more jump(s) to it than before", PolicyUndo.Differs(before, now));
    }

    [Fact]
    public void An_earlier_chain_gets_its_rules_back_and_its_jump_stays()
    {
        var earlier = Docker + ":DOCKERFW-POLICY - [0:0]\n-A DOCKER-USER -j DOCKERFW-POLICY\n-A DOCKER-USER -j RETURN\n";
        var before = Rules(earlier + "-A DOCKERFW-POLICY -i br-a -o br-a -j DROP\n");
        var now = Rules(earlier + "-A DOCKERFW-POLICY -j DROP\n");

        var undo = PolicyUndo.RestoreInput(before, now);

        Assert.Equal("*filter\n:DOCKERFW-POLICY - [0:0]\n-A DOCKERFW-POLICY -i br-a -o br-a -j DROP\nCOMMIT\n", undo);
        Assert.Null(PolicyUndo.Differs(before, before));
    }

    [Fact]
    public void Nothing_is_undone_when_dockerfws_part_did_not_change_whatever_else_did()
    {
        var before = Rules(Docker + "-A DOCKER-USER -j RETURN\n");
        var now = Rules(Docker + "-A DOCKER -d 172.17.0.9/32 -j ACCEPT\n-A DOCKER-USER -j RETURN\n");

        Assert.Null(PolicyUndo.RestoreInput(before, now));
    }

    [Fact]
    public void A_removal_deletes_the_chain_and_every_jump_to_it_and_its_undo_puts_both_back()
    {
        var applied = Rules(Docker + ":DOCKERFW-POLICY - [0:0]\n-A DOCKER-USER -j DOCKERFW-POLICY\n-A DOCKER-USER -j RETURN\n-A DOCKERFW-POLICY -i br-a -o br-a -j DROP\n");

        var removal = PolicyRemoval.Plan(applied);
        var undo = PolicyUndo.RestoreInput(applied, removal.After);

        Assert.Equal("*filter\n:DOCKERFW-POLICY - [0:0]\n-D DOCKER-USER -j DOCKERFW-POLICY\n-X DOCKERFW-POLICY\nCOMMIT\n", removal.RestoreInput);
        Assert.Null(removal.After["filter"]!["DOCKERFW-POLICY"]);
        Assert.Equal(["-A DOCKER-USER -j RETURN"], removal.After["filter"]!["DOCKER-USER"]!.Rules.Select(r => IptablesSaveWriter.FormatRule(r)));
        Assert.Equal("*filter\n:DOCKERFW-POLICY - [0:0]\n-A DOCKERFW-POLICY -i br-a -o br-a -j DROP\n-I DOCKER-USER 1 -j DOCKERFW-POLICY\nCOMMIT\n", undo);
        Assert.Equal("DOCKERFW-POLICY is not as it was and DOCKER-USER has 1 fewer jump(s) to it than before", PolicyUndo.Differs(applied, removal.After));
    }

    [Fact]
    public void A_removal_where_dockerfw_never_applied_changes_nothing()
    {
        var removal = PolicyRemoval.Plan(Rules(Docker + "-A DOCKER-USER -j RETURN\n"));

        Assert.True(removal.ChangesNothing);
        Assert.Equal("", removal.RestoreInput);
    }

    private static Ruleset Rules(string filter) =>
        IptablesSaveReader.Read("*filter\n" + filter + "COMMIT\n", "test", IpFamily.V4).Value!;
}
