using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;

namespace DockerFw.Tests.Audit.Overlay;

/// <summary>
/// A swarm manager as the Docker lab made it (Docker 20.10, two namespaced dockerd on 192.168.77.0/24,
/// node A 192.168.77.2 the manager, B 192.168.77.3 a worker): the ingress network, an encrypted
/// overlay "sec" (VNI 4097) and a plain one "plain" (VNI 4098), each with a container. The rules are
/// A's iptables-save; the Engine's answers are trimmed to what the audit reads.
/// </summary>
internal static class SwarmHost
{
    /// <summary>A's filter and nat tables as Docker 20.10 wrote them; INPUT and OUTPUT otherwise empty (policy ACCEPT).</summary>
    public const string Filter = """
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A OUTPUT -p udp -m udp --dport 4789 -m u32 --u32 "0x0>>0x16&0x3c@0xc&0xffffff00=0x100100" -j MARK --set-xmark 0xd0c4e3/0xffffffff
        COMMIT
        *filter
        :INPUT {0} [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        {1}-A INPUT -p udp -m policy --dir in --pol none -m udp --dport 4789 -m {2} -j DROP
        -A INPUT -p udp -m policy --dir in --pol ipsec -m udp --dport 4789 -m {2} -j ACCEPT
        {3}-A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A FORWARD -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o docker_gwbridge -j DOCKER
        -A FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT
        -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o docker0 -j DOCKER
        -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
        -A FORWARD -i docker0 -o docker0 -j ACCEPT
        -A FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP
        -A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -j RETURN
        -A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -j RETURN
        -A DOCKER-USER -j RETURN
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
        -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
        -A DOCKER -i docker_gwbridge -j RETURN
        -A DOCKER -i docker0 -j RETURN
        COMMIT
        """;

    /// <summary>Docker's test of VNI 4097 (sec) with xt_u32, as iptables-save prints it.</summary>
    public const string U32 = "u32 --u32 \"0x0>>0x16&0x3c@0xc&0xffffff00=0x100100\"";

    /// <summary>
    /// The same test as a BPF program (moby built with libnetwork_overlay_bpf): dockerfw does not run BPF.
    /// moby's vniMatchBPF for VNI 4097: ldx 4*([0]&amp;0xf); ld [x+12]; and #0xffffff00; jeq #(4097&lt;&lt;8),
    /// match; ret #0; match: ret #-1. (A six-instruction prefix kept here before jumped past its end: the
    /// kernel refuses it, and so does the reader since 4681e81.)
    /// </summary>
    public const string Bpf = "bpf --bytecode \"6,177 0 0 0,64 0 0 12,84 0 0 4294967040,21 1 0 1048832,6 0 0 0,6 0 0 4294967295\"";

    /// <summary>The dump with INPUT's policy, admin rules before Docker's INPUT rules, Docker's VNI test, and admin rules before FORWARD's.</summary>
    public static string Dump(string inputPolicy = "ACCEPT", string beforeDocker = "", string vniTest = U32, string forward = "") =>
        Filter.Replace("{0}", inputPolicy).Replace("{1}", Lines(beforeDocker)).Replace("{2}", vniTest).Replace("{3}", Lines(forward));

    private static string Lines(string rules) => rules.Length == 0 ? "" : rules.TrimEnd('\n') + "\n";

    public const string EngineJson = """
        [
         {"Name": "bridge", "Id": "fccde32ab895", "Scope": "local", "Driver": "bridge", "Internal": false, "Ingress": false,
          "IPAM": {"Config": [{"Subnet": "172.17.0.0/16"}]},
          "Options": {"com.docker.network.bridge.default_bridge": "true", "com.docker.network.bridge.enable_icc": "true",
           "com.docker.network.bridge.enable_ip_masquerade": "true", "com.docker.network.bridge.name": "docker0"}},
         {"Name": "docker_gwbridge", "Id": "f34ab1d06bcb", "Scope": "local", "Driver": "bridge", "Internal": false, "Ingress": false,
          "IPAM": {"Config": [{"Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1"}]},
          "Options": {"com.docker.network.bridge.enable_icc": "{gwicc}", "com.docker.network.bridge.enable_ip_masquerade": "true",
           "com.docker.network.bridge.name": "docker_gwbridge"}},
         {"Name": "ingress", "Id": "8172m9xd69u2", "Scope": "swarm", "Driver": "overlay", "Internal": false, "Ingress": true,
          "IPAM": {"Config": [{"Subnet": "10.0.0.0/24", "Gateway": "10.0.0.1"}]},
          "Options": {"com.docker.network.driver.overlay.vxlanid_list": "4096"},
          "Peers": [{"Name": "a7544e776292", "IP": "192.168.77.2"}, {"Name": "07dcd0cffeef", "IP": "192.168.77.3"}]},
         {"Name": "plain", "Id": "zqqz9ojifxpb", "Scope": "swarm", "Driver": "overlay", "Internal": false, "Ingress": false,
          "IPAM": {"Config": [{"Subnet": "10.0.2.0/24", "Gateway": "10.0.2.1"}]},
          "Options": {"com.docker.network.driver.overlay.vxlanid_list": "4098"},
          "Peers": [{"Name": "a7544e776292", "IP": "192.168.77.2"}, {"Name": "07dcd0cffeef", "IP": "192.168.77.3"}]},
         {"Name": "sec", "Id": "8v0w9cqmk276", "Scope": "swarm", "Driver": "overlay", "Internal": false, "Ingress": false,
          "IPAM": {"Config": [{"Subnet": "10.0.1.0/24", "Gateway": "10.0.1.1"}]},
          "Options": {"com.docker.network.driver.overlay.vxlanid_list": "4097", "encrypted": ""},
          "Peers": [{"Name": "a7544e776292", "IP": "192.168.77.2"}, {"Name": "07dcd0cffeef", "IP": "192.168.77.3"}]},
         {"Swarm": {"NodeID": "u743duofumkbyzt10yx647wkg", "NodeAddr": "192.168.77.2", "LocalNodeState": "active", "ControlAvailable": true,
          "RemoteManagers": [{"NodeID": "u743duofumkbyzt10yx647wkg", "Addr": "192.168.77.2:2377"}], "Cluster": {"DataPathPort": 4789}}}
        ]
        """;

    public static DockerView View(bool gwbridgeIcc = false)
    {
        var read = DockerInspectReader.Read(EngineJson.Replace("{gwicc}", gwbridgeIcc ? "true" : "false"), "engine.json");
        Assert.Empty(read.Diagnostics);
        return read.Value!;
    }

    public static AuditContext Context(string dump, DockerView? view = null) =>
        new(AuditFixture.Read(dump), Ruleset.Empty(IpFamily.V6), view ?? View(), HostSettings.Unknown);
}
