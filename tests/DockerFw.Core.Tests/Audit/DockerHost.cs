namespace DockerFw.Tests.Audit;

/// <summary>
/// A small Docker host in the classic (&lt;=27) layout, as dockerd 20.10 writes it: bridge1
/// 192.0.2.0/24 and bridge2 198.51.100.0/24, isolated, icc on, masqueraded, c1 at 192.0.2.2 with
/// 8080->80/tcp published. Examples add one or two lines at a named place, each with a comment
/// saying what must happen.
/// </summary>
internal sealed record DockerHost(
    string Raw = "", string Nat = "", string Dnat = "", string Forward = "", string ForwardEnd = "", string User = "",
    string Docker = "", string Input = "", string ForwardPolicy = "DROP", bool Bridge2IccOff = false)
{
    public override string ToString() => $$"""
        *raw
        :PREROUTING ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        {{Raw}}
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -s 198.51.100.0/24 ! -o bridge2 -j MASQUERADE
        -A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE
        -A POSTROUTING -s 192.0.2.2/32 -d 192.0.2.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
        {{Nat}}
        -A DOCKER -i bridge2 -j RETURN
        -A DOCKER -i bridge1 -j RETURN
        -A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80
        {{Dnat}}
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD {{ForwardPolicy}} [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        {{Input}}
        {{Forward}}
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A FORWARD -o bridge2 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o bridge2 -j DOCKER
        -A FORWARD -i bridge2 ! -o bridge2 -j ACCEPT
        {{(Bridge2IccOff ? "" : "-A FORWARD -i bridge2 -o bridge2 -j ACCEPT")}}
        -A FORWARD -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o bridge1 -j DOCKER
        -A FORWARD -i bridge1 ! -o bridge1 -j ACCEPT
        -A FORWARD -i bridge1 -o bridge1 -j ACCEPT
        {{(Bridge2IccOff ? "-A FORWARD -i bridge2 -o bridge2 -j DROP" : "")}}
        {{ForwardEnd}}
        -A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT
        {{Docker}}
        -A DOCKER-ISOLATION-STAGE-1 -i bridge2 ! -o bridge2 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -i bridge1 ! -o bridge1 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -j RETURN
        -A DOCKER-ISOLATION-STAGE-2 -o bridge2 -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -o bridge1 -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -j RETURN
        {{User}}
        -A DOCKER-USER -j RETURN
        COMMIT

        """;
}
