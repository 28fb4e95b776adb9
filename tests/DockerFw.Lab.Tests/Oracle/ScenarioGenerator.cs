namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Draws a scenario from a seed (System.Random with the seed: the same seed gives the same scenario on
/// every machine running the same .NET). Mostly small, so that a scenario runs in 20-40 s; one in four
/// grows to the full size (6 networks, 12 containers).
/// </summary>
public static class ScenarioGenerator
{
    public static ScenarioSpec Generate(int seed)
    {
        var random = new Random(seed);
        var daemonIcc = random.Next(4) != 0;
        var proxy = random.Next(2) == 0;

        var networks = Enumerable.Range(0, random.Next(2, 5)).Select(i => Network(random, i)).ToList();

        var count = random.Next(2, 9);
        var containers = new List<ContainerSpec>();
        var usedHostPorts = new HashSet<int>();
        for (var i = 0; i < count; i++) containers.Add(Container(random, $"c{i}", networks, containers, usedHostPorts));

        var scenario = new ScenarioSpec(seed, daemonIcc, proxy, networks, containers, []);
        scenario = scenario.WithTampers(TamperCatalogue.Draw(random, scenario));
        var later = Later(new Random(unchecked((seed * 7919) + 17)), scenario, usedHostPorts);
        var withPolicy = later with { Policy = PolicyGenerator.Draw(new Random(unchecked((seed * 104729) + 29)), later) };
        var larger = Larger(new Random(unchecked((seed * 15485863) + 41)), withPolicy, usedHostPorts);
        var options = Options(new Random(unchecked((seed * 32452843) + 53)), larger);
        var ufw = Ufw(new Random(Mixed(seed, 59)), options);
        var firewalld = FirewalldDraw.Draw(new Random(Mixed(seed, 61)), ufw);
        var ipsets = firewalld.WithTampers([.. firewalld.Tampers, .. TamperCatalogue.DrawIpsets(new Random(Mixed(seed, 67)), firewalld)]);
        var stateful = ipsets.WithTampers([.. ipsets.Tampers, .. TamperCatalogue.DrawStateful(new Random(Mixed(seed, 71)), ipsets)]);
        var uplink = stateful.WithTampers([.. stateful.Tampers, .. TamperCatalogue.DrawUplink(new Random(Mixed(seed, 73)), stateful)]);
        var prerouting = uplink.WithTampers([.. uplink.Tampers, .. TamperCatalogue.DrawPrerouting(new Random(Mixed(seed, 79)), uplink)]);
        var matches = prerouting.WithTampers([.. prerouting.Tampers, .. TamperCatalogue.DrawMatches(new Random(Mixed(seed, 83)), prerouting)]);
        return matches.WithTampers([.. matches.Tampers, .. TamperCatalogue.DrawNat(new Random(Mixed(seed, 89)), matches)]);
    }

    // The earlier streams' seeds are seed * prime + k, and System.Random's first draws for nearby seeds
    // are alike (seeds 4160, 4163, 4166... all drew the same way): a later stream mixes its seed first.
    private static int Mixed(int seed, int stream)
    {
        var z = unchecked(((ulong)(uint)seed << 8 | (uint)stream) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    /// <summary>
    /// ufw on the host, from a sixth stream (each earlier seed keeps its host, with these on top): one
    /// scenario in four enables the real ufw (Debian's package, default deny incoming, ssh allowed) after
    /// Docker, as an admin who installs it later does. On top, each half the time: the widely published
    /// "ufw and Docker" after.rules recipe (DOCKER-USER sends forwarded traffic through ufw's route rules
    /// and drops new connections from public sources to private addresses), <c>ufw deny</c> of a
    /// published host port (which DNAT passes by), <c>ufw route allow</c> of a container's port (which
    /// only the recipe makes matter); a third of the time <c>ufw route deny</c> between two bridges, a
    /// quarter <c>ufw default allow routed</c> (FORWARD's policy ACCEPT under Docker's rules).
    /// </summary>
    private static ScenarioSpec Ufw(Random random, ScenarioSpec scenario)
    {
        if (random.Next(4) != 0) return scenario;
        var tampers = new List<Tamper> { new(TamperKinds.UfwEnabled) };
        var recipe = random.Next(2) == 0;
        if (recipe) tampers.Add(new Tamper(TamperKinds.UfwDockerRecipe));
        var published = scenario.Containers.SelectMany(c => c.Published).ToList();
        if (published.Count > 0 && random.Next(2) == 0)
            tampers.Add(new Tamper(TamperKinds.UfwDenyHostPort, Port: published[random.Next(published.Count)].HostPort));
        var served = scenario.Containers.Where(c => c.OwnBridgeEndpoints).ToList();
        if (served.Count > 0 && random.Next(2) == 0 && recipe)
        {
            var c = served[random.Next(served.Count)];
            tampers.Add(new Tamper(TamperKinds.UfwRouteAllowPort, Container: c.Name, Port: c.TcpPorts[0]));
        }

        if (random.Next(3) == 0)
        {
            var networks = scenario.Networks.Select(n => n.Name).Append("bridge").ToList();
            var a = networks[random.Next(networks.Count)];
            var b = networks.Where(n => n != a).ElementAt(random.Next(networks.Count - 1));
            tampers.Add(new Tamper(TamperKinds.UfwRouteDenyBetween, a, b));
        }

        if (random.Next(4) == 0) tampers.Add(new Tamper(TamperKinds.UfwAllowRouted));
        return scenario.WithTampers([.. scenario.Tampers, .. tampers]);
    }

    /// <summary>
    /// Docker's options that change the rules' shape, from a fifth stream (each earlier seed keeps its
    /// host, with these on top): a bridge named by the user instead of <c>br-ID</c> (1 in 5; names with
    /// a dash or a dot, which iptables takes as they are), outbound traffic SNATed to the second host
    /// address instead of masqueraded (1 in 5 networks that masquerade), ports published without an
    /// address bound to that address (1 in 6), and the same two for the default bridge as dockerd's
    /// <c>--ip</c> (1 in 8) and <c>--ip-masq=false</c> (1 in 8).
    /// </summary>
    private static ScenarioSpec Options(Random random, ScenarioSpec scenario)
    {
        string[] bridgeNames = ["lan{0}", "dk-{0}", "vm.{0}"];
        var networks = scenario.Networks.Select(n => n with
        {
            BridgeName = random.Next(5) == 0 ? string.Format(System.Globalization.CultureInfo.InvariantCulture, bridgeNames[random.Next(bridgeNames.Length)], n.Index) : null,
            SnatTo = random.Next(5) == 0 && n.Masquerade && !n.Internal ? OracleLab.SecondHostAddress : null,
            HostBinding = random.Next(6) == 0 && !n.Internal ? OracleLab.SecondHostAddress : null,
        }).ToList();
        return scenario with
        {
            Networks = networks,
            DaemonIp = random.Next(8) == 0 ? OracleLab.SecondHostAddress : null,
            NoIpMasq = random.Next(8) == 0,
        };
    }

    /// <summary>
    /// The full size, from a fourth stream so that every earlier seed keeps its scenario: one
    /// scenario in four grows to up to 6 user networks and up to 12 containers. The tampers and the
    /// policy were drawn on the smaller host and stay as they are; the new networks and containers
    /// meet them (a policy's <c>icc off</c> covers the network's new containers too).
    /// </summary>
    private static ScenarioSpec Larger(Random random, ScenarioSpec scenario, HashSet<int> usedHostPorts)
    {
        if (random.Next(4) != 0) return scenario;
        var networks = scenario.Networks.ToList();
        var networkCount = random.Next(networks.Count, 7);
        for (var i = networks.Count; i < networkCount; i++) networks.Add(Network(random, i));
        var containers = scenario.Containers.ToList();
        var containerCount = random.Next(containers.Count + 1, 13);
        for (var i = containers.Count; i < containerCount; i++)
            containers.Add(Container(random, $"c{i}", networks, containers, usedHostPorts, publishUdp: true));
        return scenario with { Networks = networks, Containers = containers };
    }

    private static NetworkSpec Network(Random random, int i) => new(
        $"n{i}", 10 + i,
        Icc: random.Next(3) != 0,
        Internal: random.Next(6) == 0,
        Masquerade: random.Next(5) != 0,
        DualStack: random.Next(3) == 0);

    // publishUdp: the first draws published TCP only (UDP came later, from Later's stream, which
    // must keep drawing what it drew); containers added by Larger draw both here.
    private static ContainerSpec Container(Random random, string name, IReadOnlyList<NetworkSpec> networks, List<ContainerSpec> earlier, HashSet<int> usedHostPorts, bool publishUdp = false)
    {
        var names = networks.Select(n => n.Name).ToList();
        var mode = Mode(random, names, earlier);
        var connected = names.Contains(mode) && random.Next(4) == 0
            ? names.Where(n => n != mode).OrderBy(_ => random.Next()).Take(1).ToList()
            : [];
        var tcp = Enumerable.Range(0, random.Next(1, 3)).Select(_ => random.Next(1000, 9000)).Distinct().ToList();
        var udp = random.Next(2) == 0 ? [random.Next(1000, 9000)] : new List<int>();
        udp.RemoveAll(tcp.Contains);
        var published = new List<Publish>();
        if (mode is "bridge" || networks.Any(n => n.Name == mode && !n.Internal))
        {
            foreach (var port in tcp.Where(_ => random.Next(3) == 0))
                if (Publish(random, usedHostPorts, 20000, port, Transport.Tcp) is { } publish) published.Add(publish);
            if (publishUdp)
                foreach (var port in udp.Where(_ => random.Next(2) == 0))
                    if (Publish(random, usedHostPorts, 30000, port, Transport.Udp) is { } publish) published.Add(publish);
        }

        var links = mode == "bridge"
            ? earlier.Where(c => c.Mode == "bridge" && random.Next(2) == 0).Select(c => c.Name).ToList()
            : [];
        return new ContainerSpec(name, mode, connected, tcp, udp, published, links);
    }

    // Draws the host port, then the address, in the order the first generator drew them.
    private static Publish? Publish(Random random, HashSet<int> usedHostPorts, int from, int port, Transport transport)
    {
        var hostPort = random.Next(from, from + 10000);
        if (!usedHostPorts.Add(hostPort)) return null;
        string?[] addresses = [null, null, "127.0.0.1", OracleLab.SecondHostAddress, "::"];
        return new Publish(addresses[random.Next(addresses.Length)], hostPort, port, transport);
    }

    /// <summary>
    /// What the generator learnt to draw after the first soaks, from a second stream: the scenario of
    /// a seed stays what it was (the seeds in docs/oracle-findings.md still reproduce), with these on
    /// top: UDP ports published (half of the served UDP ports of containers that can publish), and
    /// the tamper edits added since (one in four scenarios).
    /// </summary>
    private static ScenarioSpec Later(Random random, ScenarioSpec scenario, HashSet<int> usedHostPorts)
    {
        var containers = scenario.Containers.Select(c =>
        {
            if (!(c.Mode is "bridge" || scenario.Networks.Any(n => n.Name == c.Mode && !n.Internal))) return c;
            var udp = c.UdpPorts.Where(_ => random.Next(2) == 0)
                .Select(port => Publish(random, usedHostPorts, 30000, port, Transport.Udp)).OfType<Publish>().ToList();
            return udp.Count == 0 ? c : c with { Published = [.. c.Published, .. udp] };
        }).ToList();
        var later = scenario with { Containers = containers };
        return later.WithTampers([.. scenario.Tampers, .. TamperCatalogue.DrawLater(random, later)]);
    }

    private static string Mode(Random random, List<string> networks, List<ContainerSpec> earlier)
    {
        var roll = random.Next(20);
        if (roll == 0) return "host";
        if (roll == 1) return "none";
        if (roll == 2 && earlier.FirstOrDefault(c => c.OwnBridgeEndpoints) is { } shared) return "container:" + shared.Name;
        if (roll < 7) return "bridge";
        return networks[random.Next(networks.Count)];
    }
}
