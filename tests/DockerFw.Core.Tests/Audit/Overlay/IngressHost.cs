namespace DockerFw.Tests.Audit.Overlay;

/// <summary>
/// The lab's swarm manager (<see cref="SwarmHost"/>) with a service published through the routing
/// mesh (<c>docker service create -p 8080:80</c>), the rules written as moby 20.10's
/// libnetwork/service_linux.go (programIngress) writes them: the lab kernel has no IPVS, so dockerd
/// there never gets this far. DNAT to the ingress sandbox 172.18.0.2 on docker_gwbridge.
/// </summary>
internal static class IngressHost
{
    private const string Rules = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-INGRESS - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-INGRESS
        -A FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A FORWARD -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o docker_gwbridge -j DOCKER
        -A FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT
        -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o docker0 -j DOCKER
        -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
        -A FORWARD -i docker0 -o docker0 -j ACCEPT
        {gwicc}
        -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT
        -A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT
        -A DOCKER-INGRESS -j RETURN
        -A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -j RETURN
        -A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -j RETURN
        {user}-A DOCKER-USER -j RETURN
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-INGRESS - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
        -A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
        -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
        -A DOCKER -i docker_gwbridge -j RETURN
        -A DOCKER -i docker0 -j RETURN
        -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
        -A DOCKER-INGRESS -j RETURN
        COMMIT
        """;

    /// <summary>The dump with rules in DOCKER-USER and docker_gwbridge's icc rule (Docker's DROP, or an admin's ACCEPT).</summary>
    public static string Dump(string user = "", string gwbridgeIcc = "-A FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP") =>
        Rules.Replace("{user}", user.Length == 0 ? "" : user + "\n").Replace("{gwicc}", gwbridgeIcc);
}
