using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Draws the policy of one scenario in three (from a third random stream, so that every earlier seed
/// keeps its scenario): a user network with two containers started on it gets icc off with one pair
/// allowed on the server's first TCP port, and a TCP port published on every address (or the second
/// host address) is restricted to the outside client, to clients elsewhere, or to one host address.
/// </summary>
public static class PolicyGenerator
{
    public static PolicySpec? Draw(Random random, ScenarioSpec scenario)
    {
        if (random.Next(3) != 0) return null;
        var candidates = scenario.Networks
            .Select(n => (n, members: scenario.Containers.Where(c => c.Mode == n.Name).ToList()))
            .Where(x => x.members.Count >= 2).ToList();
        if (candidates.Count == 0) return null;
        var (network, members) = candidates[random.Next(candidates.Count)];
        var client = members[random.Next(members.Count)];
        var server = members.Where(m => m != client).ElementAt(random.Next(members.Count - 1));
        var published = scenario.Containers
            .SelectMany(c => c.Published.Where(p => p.Transport == Transport.Tcp && p.HostIp is null or OracleLab.SecondHostAddress).Select(p => (c, p))).ToList();
        PublishRestriction? publish = null;
        if (published.Count > 0 && random.Next(3) != 0)
        {
            var (c, p) = published[random.Next(published.Count)];
            publish = random.Next(3) switch
            {
                0 => new PublishRestriction(c.Name, p.HostPort, LabDaemon.OutsideAddress + "/32", On: false),
                1 => new PublishRestriction(c.Name, p.HostPort, "203.0.113.0/24", On: false),
                _ => new PublishRestriction(c.Name, p.HostPort, OracleLab.SecondHostAddress, On: true),
            };
        }

        return new PolicySpec(network.Name, client.Name, server.Name, server.TcpPorts[0], publish, UndoJump: random.Next(2) == 0, UndoRule: random.Next(100));
    }
}
