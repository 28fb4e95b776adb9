namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The generator's promises (no root, no lab): a seed written up in docs/oracle-findings.md or kept as a
/// fixture still draws the host it was found on, and the seeds cover the whole size range.
/// </summary>
public sealed class ScenarioGeneratorTests
{
    private static string Root => Path.Combine(AppContext.BaseDirectory, "Oracle", "Fixtures");

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Root).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_kept_fixtures_seed_still_draws_its_host(string name)
    {
        // The README holds the scenario as drawn, with the tamper list shrunk. Later streams may only
        // append: UDP ports published at the end of a container's line (seeds found before them, such
        // as 29 and 42), networks and containers after the ones the fixture was found with, Docker's
        // options at the end of the daemon's and a network's line.
        var kept = File.ReadAllLines(Path.Combine(Root, name, "README.txt")).TakeWhile(l => !l.StartsWith('[')).ToList();
        var seed = int.Parse(kept[0].Split(' ', ':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var drawn = ScenarioGenerator.Generate(seed).Describe().Split('\n');

        Assert.StartsWith(kept[0], drawn[0], StringComparison.Ordinal);
        foreach (var kind in new[] { "  network ", "  container ", "  policy: " })
        {
            var keptLines = kept.Where(l => l.StartsWith(kind, StringComparison.Ordinal)).ToList();
            var drawnLines = drawn.Where(l => l.StartsWith(kind, StringComparison.Ordinal)).ToList();
            Assert.True(drawnLines.Count >= keptLines.Count, $"seed {seed} draws fewer {kind.Trim()} lines than its fixture");
            Assert.All(keptLines.Zip(drawnLines), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Seeds_reach_six_networks_and_twelve_containers_and_mostly_stay_small()
    {
        var scenarios = Enumerable.Range(3000, 400).Select(ScenarioGenerator.Generate).ToList();

        Assert.All(scenarios, s => Assert.InRange(s.Networks.Count, 2, 6));
        Assert.All(scenarios, s => Assert.InRange(s.Containers.Count, 2, 12));
        Assert.Contains(scenarios, s => s.Networks.Count == 6);
        Assert.Contains(scenarios, s => s.Containers.Count == 12);
        Assert.InRange(scenarios.Count(s => s.Networks.Count > 4 || s.Containers.Count > 8), 40, 120);
    }

    [Fact]
    public void One_host_in_four_runs_ufw_and_its_rules_come_after_the_earlier_tampering()
    {
        var scenarios = Enumerable.Range(3000, 400).Select(ScenarioGenerator.Generate).ToList();
        var withUfw = scenarios.Where(s => s.Tampers.Any(t => t.Kind.StartsWith("ufw-", StringComparison.Ordinal))).ToList();

        Assert.InRange(withUfw.Count, 70, 130);
        Assert.All(withUfw, s =>
        {
            var first = BeforeIpsets(s).FindIndex(t => t.Kind == TamperKinds.UfwEnabled);
            Assert.True(first >= 0 && BeforeIpsets(s).Skip(first).All(t => t.Kind.StartsWith("ufw-", StringComparison.Ordinal)), s.Describe());
            if (s.Tampers.Any(t => t.Kind == TamperKinds.UfwRouteAllowPort)) Assert.Contains(s.Tampers, t => t.Kind == TamperKinds.UfwDockerRecipe);
        });
        Assert.Contains(withUfw, s => s.Tampers.Any(t => t.Kind == TamperKinds.UfwDockerRecipe));
        Assert.Contains(withUfw, s => s.Tampers.Any(t => t.Kind == TamperKinds.UfwDenyHostPort));
        Assert.Contains(withUfw, s => s.Tampers.Any(t => t.Kind == TamperKinds.UfwAllowRouted));
    }

    [Fact]
    public void One_host_in_five_runs_firewalld_never_beside_ufw_and_its_reloads_come_before_its_runtime_edits()
    {
        var scenarios = Enumerable.Range(3000, 400).Select(ScenarioGenerator.Generate).ToList();
        var withFirewalld = scenarios.Where(s => s.Tampers.Any(t => t.Kind.StartsWith("firewalld-", StringComparison.Ordinal))).ToList();
        string[] reloaded = [TamperKinds.FirewalldDockerZoneDrop, TamperKinds.FirewalldPolicyReject];

        Assert.InRange(withFirewalld.Count, 50, 110);
        Assert.All(withFirewalld, s =>
        {
            var first = BeforeIpsets(s).FindIndex(t => t.Kind == TamperKinds.FirewalldRunning);
            var own = BeforeIpsets(s).Skip(first + 1).ToList();
            Assert.True(first >= 0 && own.All(t => t.Kind.StartsWith("firewalld-", StringComparison.Ordinal)), s.Describe());
            Assert.DoesNotContain(s.Tampers, t => t.Kind.StartsWith("ufw-", StringComparison.Ordinal));
            // A reload drops run-time edits: the permanent ones are made first.
            Assert.True(own.SkipWhile(t => reloaded.Contains(t.Kind)).All(t => !reloaded.Contains(t.Kind)), s.Describe());
        });
        foreach (var kind in new[] { TamperKinds.FirewalldDockerZoneDrop, TamperKinds.FirewalldPolicyReject, TamperKinds.FirewalldAddPort, TamperKinds.FirewalldAddService, TamperKinds.FirewalldRichRejectSource, TamperKinds.FirewalldMasquerade, TamperKinds.FirewalldForwardPort })
            Assert.Contains(withFirewalld, s => s.Tampers.Any(t => t.Kind == kind));
    }

    [Fact]
    public void One_host_in_four_gets_an_ipset_drop_after_every_other_edit_of_either_kind()
    {
        var scenarios = Enumerable.Range(3000, 400).Select(ScenarioGenerator.Generate).ToList();
        var withIpsets = scenarios.Where(s => s.Tampers.Any(IsIpset)).ToList();

        Assert.InRange(withIpsets.Count, 70, 130);
        Assert.All(withIpsets, s =>
        {
            Assert.True(s.Tampers.Where(t => !IsStateful(t) && !IsUplink(t) && !IsPrerouting(t) && !IsMatch(t) && !IsNat(t)).SkipWhile(t => !IsIpset(t)).All(IsIpset) && s.Tampers.Count(IsIpset) == 1, s.Describe());
            var drop = s.Tampers.Single(IsIpset);
            if (drop.Kind == TamperKinds.IpsetDropToNetwork)
                Assert.True(drop.Network != drop.Other && s.Networks.Any(n => n.Name == drop.Other), s.Describe());
        });
        Assert.Contains(withIpsets, s => s.Tampers.Any(t => t.Kind == TamperKinds.IpsetDropFromContainer));
        Assert.Contains(withIpsets, s => s.Tampers.Any(t => t.Kind == TamperKinds.IpsetDropToNetwork && t.Container is not null));
        Assert.Contains(withIpsets, s => s.Tampers.Any(t => t.Kind == TamperKinds.IpsetDropToNetwork && t.Container is null));
    }

    [Fact]
    public void One_host_in_four_gets_a_drop_of_what_follows_an_opening_packet_after_every_other_edit()
    {
        var scenarios = Enumerable.Range(3000, 400).Select(ScenarioGenerator.Generate).ToList();
        var withState = scenarios.Where(s => s.Tampers.Any(IsStateful)).ToList();

        Assert.InRange(withState.Count, 70, 130);
        Assert.All(withState, s =>
        {
            var beforeUplink = s.Tampers.Where(t => !IsUplink(t) && !IsPrerouting(t) && !IsMatch(t) && !IsNat(t)).ToList();
            Assert.True(IsStateful(beforeUplink[^1]) && s.Tampers.Count(IsStateful) == 1, s.Describe());
            var t = beforeUplink[^1];
            if (t.Kind == TamperKinds.UserDropEstablishedOut)
                Assert.True(t.Network == "bridge" || s.Networks.Any(n => n.Name == t.Network && !n.Internal), s.Describe());
            else
                Assert.Contains(t.Port, s.Containers.Single(c => c.Name == t.Container).TcpPorts);
        });
        foreach (var kind in Stateful)
            Assert.Contains(withState, s => s.Tampers.Any(t => t.Kind == kind));
    }

    [Fact]
    public void One_host_in_four_gets_a_rule_naming_the_uplink_last_and_on_a_port_it_publishes()
    {
        var scenarios = Enumerable.Range(3000, 400).Select(ScenarioGenerator.Generate).ToList();
        var withUplink = scenarios.Where(s => s.Tampers.Any(IsUplink)).ToList();

        Assert.InRange(withUplink.Count, 60, 130);
        Assert.All(withUplink, s =>
        {
            var beforePrerouting = s.Tampers.Where(t => !IsPrerouting(t) && !IsMatch(t) && !IsNat(t)).ToList();
            Assert.True(IsUplink(beforePrerouting[^1]) && s.Tampers.Count(IsUplink) == 1, s.Describe());
            var t = beforePrerouting[^1];
            var published = s.Containers.SelectMany(c => c.Published.Select(p => (c.Name, p))).ToList();
            switch (t.Kind)
            {
                case TamperKinds.UplinkRecipe:
                    Assert.Contains(t.Other, new[] { "outside", "stranger" });
                    break;
                case TamperKinds.UplinkDropContainerPort or TamperKinds.UplinkDropReplies:
                    Assert.Contains(published, x => x.Name == t.Container && x.p.ContainerPort == t.Port && Proto(x.p) == t.Other);
                    break;
                default:
                    Assert.Contains(published, x => x.p.HostPort == t.Port && Proto(x.p) == t.Other);
                    break;
            }
        });
        foreach (var kind in Uplink)
            Assert.Contains(withUplink, s => s.Tampers.Any(t => t.Kind == kind));
        Assert.Contains(withUplink, s => s.Tampers.Any(t => t.Kind == TamperKinds.UplinkRecipe && t.Other == "outside"));
    }

    [Fact]
    public void One_host_in_four_gets_a_rule_before_dnat_last_and_on_a_container_it_serves()
    {
        var scenarios = Enumerable.Range(3000, 400).Select(ScenarioGenerator.Generate).ToList();
        var withPrerouting = scenarios.Where(s => s.Tampers.Any(IsPrerouting)).ToList();

        Assert.InRange(withPrerouting.Count, 60, 130);
        Assert.All(withPrerouting, s =>
        {
            var beforeMatches = s.Tampers.Where(t => !IsMatch(t) && !IsNat(t)).ToList();
            Assert.True(IsPrerouting(beforeMatches[^1]) && s.Tampers.Count(IsPrerouting) == 1, s.Describe());
            if (beforeMatches[^1] is { Kind: TamperKinds.RawDropToContainer } t)
                Assert.Contains(s.Containers, c => c.Name == t.Container && c.OwnBridgeEndpoints);
        });
        foreach (var kind in Prerouting)
            Assert.Contains(withPrerouting, s => s.Tampers.Any(t => t.Kind == kind));
    }

    [Fact]
    public void One_host_in_four_gets_an_admin_match_last_and_on_what_the_host_has()
    {
        var scenarios = Enumerable.Range(3000, 400).Select(ScenarioGenerator.Generate).ToList();
        var withMatch = scenarios.Where(s => s.Tampers.Any(IsMatch)).ToList();

        Assert.InRange(withMatch.Count, 60, 130);
        Assert.All(withMatch, s =>
        {
            var beforeNat = s.Tampers.Where(t => !IsNat(t)).ToList();
            Assert.True(IsMatch(beforeNat[^1]) && s.Tampers.Count(IsMatch) == 1, s.Describe());
            var t = beforeNat[^1];
            var networks = s.Networks.Select(n => n.Name).Append("bridge").ToList();
            switch (t.Kind)
            {
                case TamperKinds.CtOrigDstPortDrop:
                    Assert.Contains(s.Containers.Where(c => c.OwnBridgeEndpoints).SelectMany(c => c.Published), p => p.HostPort == t.Port && Proto(p) == t.Other);
                    break;
                case TamperKinds.MarkDropBetween:
                    Assert.True(t.Network != t.Other && networks.Contains(t.Network!) && networks.Contains(t.Other!), s.Describe());
                    break;
                case TamperKinds.SynDropToPort or TamperKinds.LengthDropToPort or TamperKinds.LimitToPort:
                    Assert.Contains(s.Containers, c => c.Name == t.Container && c.OwnBridgeEndpoints && c.TcpPorts.Contains(t.Port));
                    break;
                case TamperKinds.IpRangeDropToContainer:
                    Assert.Contains(s.Networks, n => n.Name == t.Network);
                    Assert.Contains(s.Containers, c => c.Name == t.Container && c.OwnBridgeEndpoints);
                    break;
            }
        });
        foreach (var kind in Matches)
            Assert.Contains(withMatch, s => s.Tampers.Any(t => t.Kind == kind));
    }

    [Fact]
    public void One_host_in_four_gets_an_admins_nat_edit_last_and_on_what_the_host_has()
    {
        var scenarios = Enumerable.Range(3000, 400).Select(ScenarioGenerator.Generate).ToList();
        var withNat = scenarios.Where(s => s.Tampers.Any(IsNat)).ToList();

        Assert.InRange(withNat.Count, 60, 130);
        Assert.All(withNat, s =>
        {
            Assert.True(IsNat(s.Tampers[^1]) && s.Tampers.Count(IsNat) == 1, s.Describe());
            var t = s.Tampers[^1];
            var published = s.Containers.Where(c => c.OwnBridgeEndpoints).SelectMany(c => c.Published).ToList();
            switch (t.Kind)
            {
                case NatTamperKinds.ForwardPort or NatTamperKinds.ForwardPortAccepted or NatTamperKinds.NftDnatPort:
                    // A new host port, to a port the container serves.
                    Assert.Contains(s.Containers, c => c.Name == t.Container && c.OwnBridgeEndpoints && c.TcpPorts.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).Contains(t.Other));
                    Assert.DoesNotContain(s.Containers.SelectMany(c => c.Published), p => p.HostPort == t.Port);
                    break;
                case NatTamperKinds.RedirectToPublished:
                    Assert.Contains(published, p => p.Transport == Transport.Tcp && p.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == t.Other);
                    Assert.DoesNotContain(s.Containers.SelectMany(c => c.Published), p => p.HostPort == t.Port);
                    break;
                case NatTamperKinds.RedirectPublishedAway:
                    Assert.Contains(published, p => p.Transport == Transport.Tcp && p.HostPort == t.Port);
                    break;
                case NatTamperKinds.ReturnHostPort or NatTamperKinds.NotrackPublishedPort:
                    Assert.Contains(published, p => p.HostPort == t.Port && Proto(p) == t.Other);
                    break;
                case NatTamperKinds.SnatBeforeMasquerade or NatTamperKinds.ReturnBeforeMasquerade or NatTamperKinds.NftSnat:
                    Assert.Contains(s.Networks, n => n.Name == t.Network && n.Masquerade && !n.Internal);
                    break;
                case NatTamperKinds.NotrackContainer:
                    Assert.Contains(s.Containers, c => c.Name == t.Container && c.OwnBridgeEndpoints);
                    break;
            }
        });
        foreach (var kind in NatTamperKinds.All)
            Assert.Contains(withNat, s => s.Tampers.Any(t => t.Kind == kind));
    }

    private static bool IsNat(Tamper t) => NatTamperKinds.All.Contains(t.Kind);

    private static readonly string[] Matches =
        [TamperKinds.CtOrigDstPortDrop, TamperKinds.UplinkDropNotCtOrigDst, TamperKinds.MarkDropBetween, TamperKinds.ConnmarkDropFromUplink,
         TamperKinds.SynDropToPort, TamperKinds.PhysdevBridgedDrop, TamperKinds.LengthDropToPort, TamperKinds.RecentDropOnUplink,
         TamperKinds.IpRangeDropToContainer, TamperKinds.LimitToPort, TamperKinds.ScanFlagsDrop, TamperKinds.IcmpTimestampDrop,
         TamperKinds.MarkedDrop, TamperKinds.InvalidDrop];

    private static bool IsMatch(Tamper t) => Matches.Contains(t.Kind);

    private static readonly string[] Prerouting =
        [TamperKinds.RawDropToHostAddress, TamperKinds.RawDropToContainer, TamperKinds.MangleDropEstablishedOnUplink,
         TamperKinds.RawDropInvalidOnUplink, TamperKinds.NftRawDropEstablishedOnUplink];

    private static bool IsPrerouting(Tamper t) => Prerouting.Contains(t.Kind);

    private static string Proto(Publish p) => p.Transport == Transport.Udp ? "udp" : "tcp";

    private static readonly string[] Uplink =
        [TamperKinds.UplinkRecipe, TamperKinds.UplinkDropContainerPort, TamperKinds.UplinkDropReplies, TamperKinds.NftUplinkDropHostPort, TamperKinds.InputUplinkDropHostPort];

    private static bool IsUplink(Tamper t) => Uplink.Contains(t.Kind);

    private static bool IsIpset(Tamper t) => t.Kind.StartsWith("ipset-", StringComparison.Ordinal);

    private static readonly string[] Stateful =
        [TamperKinds.UserDropEstablishedToPort, TamperKinds.NftDropEstablishedToPort, TamperKinds.UserDropEstablishedOut, TamperKinds.UserNewOnlyToPort];

    private static bool IsStateful(Tamper t) => Stateful.Contains(t.Kind);

    // The edits drawn before the eighth stream's ipset drop, the ninth's conntrack-state edit, the tenth's uplink rule, the
    // eleventh's rule before DNAT, the twelfth's admin match and the thirteenth's NAT edit, which come last.
    private static List<Tamper> BeforeIpsets(ScenarioSpec s) => [.. s.Tampers.Where(t => !IsIpset(t) && !IsStateful(t) && !IsUplink(t) && !IsPrerouting(t) && !IsMatch(t) && !IsNat(t))];
}
