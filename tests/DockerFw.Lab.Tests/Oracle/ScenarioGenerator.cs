namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Draws a scenario from a seed (System.Random with the seed: the same seed gives the same scenario on
/// every machine running the same .NET). Small on purpose: a scenario should run in 20-40 s.
/// </summary>
public static class ScenarioGenerator
{
    public static ScenarioSpec Generate(int seed)
    {
        var random = new Random(seed);
        var daemonIcc = random.Next(4) != 0;
        var proxy = random.Next(2) == 0;

        var networks = Enumerable.Range(0, random.Next(2, 5)).Select(i => new NetworkSpec(
            $"n{i}", 10 + i,
            Icc: random.Next(3) != 0,
            Internal: random.Next(6) == 0,
            Masquerade: random.Next(5) != 0,
            DualStack: random.Next(3) == 0)).ToList();
        var names = networks.Select(n => n.Name).ToList();

        var count = random.Next(2, 9);
        var containers = new List<ContainerSpec>();
        var usedHostPorts = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            var name = $"c{i}";
            var mode = Mode(random, names, containers);
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
                {
                    var hostPort = random.Next(20000, 30000);
                    if (!usedHostPorts.Add(hostPort)) continue;
                    string?[] addresses = [null, null, "127.0.0.1", OracleLab.SecondHostAddress, "::"];
                    published.Add(new Publish(addresses[random.Next(addresses.Length)], hostPort, port, Transport.Tcp));
                }
            }

            var links = mode == "bridge"
                ? containers.Where(c => c.Mode == "bridge" && random.Next(2) == 0).Select(c => c.Name).ToList()
                : [];
            containers.Add(new ContainerSpec(name, mode, connected, tcp, udp, published, links));
        }

        var scenario = new ScenarioSpec(seed, daemonIcc, proxy, networks, containers, []);
        scenario = scenario.WithTampers(TamperCatalogue.Draw(random, scenario));
        var later = Later(new Random(unchecked((seed * 7919) + 17)), scenario, usedHostPorts);
        return later with { Policy = PolicyGenerator.Draw(new Random(unchecked((seed * 104729) + 29)), later) };
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
            var udp = c.UdpPorts.Where(_ => random.Next(2) == 0).Select(port =>
            {
                var hostPort = random.Next(30000, 40000);
                string?[] addresses = [null, null, "127.0.0.1", OracleLab.SecondHostAddress, "::"];
                return usedHostPorts.Add(hostPort) ? new Publish(addresses[random.Next(addresses.Length)], hostPort, port, Transport.Udp) : null;
            }).OfType<Publish>().ToList();
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
