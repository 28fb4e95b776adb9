using static DockerFw.Lab.Tests.Oracle.TamperKinds;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// firewalld on the host, from a seventh stream (each earlier seed keeps its host, with these on top):
/// one scenario in four of those without ufw (about one in five of all) runs Debian's firewalld,
/// started before Docker as on a host that boots with it, so that dockerd makes its <c>docker</c> zone
/// and puts its bridges there. Then what an admin does with firewall-cmd: first the changes that need
/// <c>--permanent</c> and a reload (after which Docker puts its bridges back in its zone), each a third
/// of the time: the docker zone's target set to DROP, a policy rejecting what the docker zone sends to
/// the public one; then, each half the time, at run time: a port or a service opened in the public zone
/// (the default one, where the uplink is), a rich rule rejecting a source (the outside client in the
/// public zone, or a container in the docker zone), masquerade on a zone, and a forward port to a
/// container (from a host port Docker publishes too, or from one of its own).
/// </summary>
public static class FirewalldDraw
{
    private static readonly string[] Services = ["http", "https", "mysql", "dns"];

    public static ScenarioSpec Draw(Random random, ScenarioSpec scenario)
    {
        if (random.Next(4) != 0 || scenario.Tampers.Any(t => t.Kind == UfwEnabled)) return scenario;
        var tampers = new List<Tamper> { new(FirewalldRunning) };
        if (random.Next(3) == 0) tampers.Add(new Tamper(FirewalldDockerZoneDrop, "docker"));
        if (random.Next(3) == 0) tampers.Add(new Tamper(FirewalldPolicyReject, "docker", "public"));

        var published = scenario.Containers.SelectMany(c => c.Published).ToList();
        if (random.Next(2) == 0)
            tampers.Add(published.Count > 0 && random.Next(2) == 0
                ? new Tamper(FirewalldAddPort, "public", Port: published[random.Next(published.Count)].HostPort)
                : new Tamper(FirewalldAddService, "public", Services[random.Next(Services.Length)]));

        var served = scenario.Containers.Where(c => c.OwnBridgeEndpoints).ToList();
        if (random.Next(2) == 0)
            tampers.Add(served.Count > 0 && random.Next(2) == 0
                ? new Tamper(FirewalldRichRejectSource, "docker", Container: served[random.Next(served.Count)].Name)
                : new Tamper(FirewalldRichRejectSource, "public"));

        if (random.Next(2) == 0) tampers.Add(new Tamper(FirewalldMasquerade, random.Next(2) == 0 ? "public" : "docker"));
        if (served.Count > 0 && random.Next(2) == 0)
        {
            var c = served[random.Next(served.Count)];
            var port = published.Count > 0 && random.Next(2) == 0 ? published[random.Next(published.Count)].HostPort : random.Next(40000, 50000);
            tampers.Add(new Tamper(FirewalldForwardPort, "public", Container: c.Name, Port: port));
        }

        return scenario.WithTampers([.. scenario.Tampers, .. tampers]);
    }
}
