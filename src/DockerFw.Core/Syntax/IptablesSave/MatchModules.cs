using DockerFw.Core.Model.Matches;
using static DockerFw.Core.Syntax.IptablesSave.MatchBinders;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The match modules dockerfw knows, each with its option table (formats.md §1.7). Typed binders for
/// what Docker, Kubernetes and ordinary hosts test; <see cref="MatchBinders.Keep"/> for the rest.
/// </summary>
internal static class MatchModules
{
    private static OptionSpec Opt(string name, int arity, MatchBinder? bind = null, bool invertible = true) =>
        new(name, arity, invertible, bind ?? Keep);

    private static OptionSpec Alias(string name, OptionSpec of) => of with { Name = name, Canonical = of.Name };

    private static OptionTable Module(string name, params OptionSpec[] options) => new(name, options);

    private static OptionTable Kept(string name, params (string Name, int Arity)[] options) =>
        new(name, options.Select(o => Opt(o.Name, o.Arity)));

    /// <summary>The port options of tcp, udp, sctp and dccp, each read as its extension reads ports.</summary>
    private static OptionSpec[] Ports(XtablesPorts.Style style, params OptionSpec[] extra)
    {
        var sport = Opt("--sport", 1, Port(AddressField.Source, style));
        var dport = Opt("--dport", 1, Port(AddressField.Destination, style));
        return [sport, dport, .. extra, Alias("--source-port", sport), Alias("--destination-port", dport)];
    }

    private static readonly OptionSpec MatchSet = Opt("--match-set", 2, Set);

    private static readonly OptionSpec Sports = Opt("--sports", 1, Multiport(MultiportField.Source));

    private static readonly OptionSpec Dports = Opt("--dports", 1, Multiport(MultiportField.Destination));

    // Not frozen: the table is built at every start, and freezing it cost more than the lookups of `fmt` of a small dump
    // save (all the reader's frozen tables: 1.4 -> 0.7 M instructions of start; docs/performance.md, "Reader on every shape").
    private static readonly Dictionary<string, OptionTable> Known = new OptionTable[]
    {
        Module("tcp", Ports(XtablesPorts.Style.ParsePort, Opt("--tcp-flags", 2, TcpFlags), Opt("--syn", 0, Syn), Opt("--tcp-option", 1, TcpOption))),
        Module("udp", Ports(XtablesPorts.Style.GetPortByName)),
        Module("sctp", Ports(XtablesPorts.Style.ParsePort, Opt("--chunk-types", 2))),
        Module("dccp", Ports(XtablesPorts.Style.GetPortByName, Opt("--dccp-types", 1), Opt("--dccp-option", 1))),
        Module("multiport", Sports, Dports, Opt("--ports", 1, Multiport(MultiportField.Either)),
            Alias("--source-ports", Sports), Alias("--destination-ports", Dports)),
        Module("icmp", Opt("--icmp-type", 1, Icmp)),
        Module("icmp6", Opt("--icmpv6-type", 1, Icmp)),
        Module("conntrack", Opt("--ctstate", 1, States), Opt("--ctproto", 1), Opt("--ctorigsrc", 1, ConntrackAddress),
            Opt("--ctorigdst", 1, ConntrackAddress), Opt("--ctreplsrc", 1, ConntrackAddress), Opt("--ctrepldst", 1, ConntrackAddress),
            Opt("--ctorigsrcport", 1, ConntrackPorts), Opt("--ctorigdstport", 1, ConntrackPorts), Opt("--ctreplsrcport", 1, ConntrackPorts),
            Opt("--ctrepldstport", 1, ConntrackPorts), Opt("--ctstatus", 1),
            Opt("--ctexpire", 1), Opt("--ctdir", 1, invertible: false)),
        Module("state", Opt("--state", 1, States)),
        Module("addrtype", Opt("--src-type", 1, AddrType(AddressField.Source)),
            Opt("--dst-type", 1, AddrType(AddressField.Destination)), Opt("--limit-iface-in", 0, invertible: false),
            Opt("--limit-iface-out", 0, invertible: false)),
        Module("comment", Opt("--comment", 1, Comment, invertible: false)),
        Module("mark", Opt("--mark", 1, Mark)),
        Module("connmark", Opt("--mark", 1, Mark)),
        // libxt_set: only the --*-eq counters and the counter updates take '!'.
        Module("set", MatchSet, Alias("--set", MatchSet), Opt("--return-nomatch", 0, invertible: false),
            Opt("--update-counters", 0), Opt("--update-subcounters", 0), Opt("--packets-eq", 1, SetCounter),
            Opt("--packets-lt", 1, SetCounter, invertible: false), Opt("--packets-gt", 1, SetCounter, invertible: false),
            Opt("--bytes-eq", 1, SetCounter), Opt("--bytes-lt", 1, SetCounter, invertible: false), Opt("--bytes-gt", 1, SetCounter, invertible: false)),
        Module("physdev", Opt("--physdev-in", 1, PhysdevInterface(Direction.In)),
            Opt("--physdev-out", 1, PhysdevInterface(Direction.Out)), Opt("--physdev-is-in", 0, PhysdevFlag(Model.Matches.PhysdevFlag.IsIn)),
            Opt("--physdev-is-out", 0, PhysdevFlag(Model.Matches.PhysdevFlag.IsOut)),
            Opt("--physdev-is-bridged", 0, PhysdevFlag(Model.Matches.PhysdevFlag.IsBridged))),
        Module("iprange", Opt("--src-range", 1, IpRange(AddressField.Source)), Opt("--dst-range", 1, IpRange(AddressField.Destination))),
        Kept("limit", ("--limit", 1), ("--limit-burst", 1)),
        Kept("recent", ("--set", 0), ("--rcheck", 0), ("--update", 0), ("--remove", 0), ("--seconds", 1),
            ("--reap", 0), ("--hitcount", 1), ("--rttl", 0), ("--name", 1), ("--rsource", 0), ("--rdest", 0), ("--mask", 1)),
        Kept("owner", ("--uid-owner", 1), ("--gid-owner", 1), ("--socket-exists", 0), ("--suppl-groups", 0)),
        Kept("statistic", ("--mode", 1), ("--probability", 1), ("--every", 1), ("--packet", 1)),
        Module("string", Opt("--algo", 1, StringAlgorithm, invertible: false), Opt("--from", 1), Opt("--to", 1), Opt("--string", 1),
            Opt("--hex-string", 1), Opt("--icase", 0)),
        Kept("hashlimit", ("--hashlimit-upto", 1), ("--hashlimit-above", 1), ("--hashlimit-burst", 1),
            ("--hashlimit-mode", 1), ("--hashlimit-srcmask", 1), ("--hashlimit-dstmask", 1), ("--hashlimit-name", 1),
            ("--hashlimit-htable-size", 1), ("--hashlimit-htable-max", 1), ("--hashlimit-htable-expire", 1),
            ("--hashlimit-htable-gcinterval", 1), ("--hashlimit-rate-match", 0), ("--hashlimit-rate-interval", 1),
            ("--hashlimit", 1)),
        Kept("length", ("--length", 1)),
        Kept("ttl", ("--ttl-eq", 1), ("--ttl-gt", 1), ("--ttl-lt", 1)),
        Kept("hl", ("--hl-eq", 1), ("--hl-gt", 1), ("--hl-lt", 1)),
        Kept("frag", ("--fragid", 1), ("--fraglen", 1), ("--fragres", 0), ("--fragfirst", 0), ("--fragmore", 0), ("--fraglast", 0)),
        Kept("ipv6header", ("--header", 1), ("--soft", 0)),
        Kept("helper", ("--helper", 1)),
        Kept("pkttype", ("--pkt-type", 1)),
        Kept("mac", ("--mac-source", 1)),
        Kept("policy", ("--dir", 1), ("--pol", 1), ("--strict", 0), ("--reqid", 1), ("--spi", 1), ("--proto", 1),
            ("--mode", 1), ("--tunnel-src", 1), ("--tunnel-dst", 1), ("--next", 0)),
        Kept("rt", ("--rt-type", 1), ("--rt-segsleft", 1), ("--rt-len", 1), ("--rt-0-res", 0), ("--rt-0-addrs", 1), ("--rt-0-not-strict", 0)),
        Kept("tos", ("--tos", 1)),
        Kept("dscp", ("--dscp", 1), ("--dscp-class", 1)),
        Kept("ecn", ("--ecn-tcp-cwr", 0), ("--ecn-tcp-ece", 0), ("--ecn-ip-ect", 1)),
        Kept("connlimit", ("--connlimit-upto", 1), ("--connlimit-above", 1), ("--connlimit-mask", 1),
            ("--connlimit-saddr", 0), ("--connlimit-daddr", 0)),
        Kept("time", ("--datestart", 1), ("--datestop", 1), ("--timestart", 1), ("--timestop", 1), ("--monthdays", 1),
            ("--weekdays", 1), ("--kerneltz", 0), ("--utc", 0), ("--localtz", 0), ("--contiguous", 0)),
        Kept("socket", ("--transparent", 0), ("--nowildcard", 0), ("--restore-skmark", 0)),
        Kept("quota", ("--quota", 1)),
        Kept("devgroup", ("--src-group", 1), ("--dst-group", 1)),
        Kept("cgroup", ("--path", 1), ("--cgroup", 1)),
        Kept("u32", ("--u32", 1)),
        Kept("esp", ("--espspi", 1)),
        Kept("ah", ("--ahspi", 1), ("--ahlen", 1), ("--ahres", 0)),
        Kept("realm", ("--realm", 1)),
        Kept("connbytes", ("--connbytes", 1), ("--connbytes-dir", 1), ("--connbytes-mode", 1)),
        Kept("nfacct", ("--nfacct-name", 1)),
        Kept("tcpmss", ("--mss", 1)),
        Kept("mh", ("--mh-type", 1)),
        Kept("cpu", ("--cpu", 1)),
        Kept("rpfilter", ("--loose", 0), ("--validmark", 0), ("--accept-local", 0), ("--invert", 0)),
        Kept("eui64"),
        Kept("hbh", ("--hbh-len", 1), ("--hbh-opts", 1)),
        Kept("dst", ("--dst-len", 1), ("--dst-opts", 1)),
        Kept("condition", ("--condition", 1)),
        Kept("bpf", ("--bytecode", 1), ("--object-pinned", 1)),
    }.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static OptionTable? Find(string module) => Known.GetValueOrDefault(module);

    /// <summary>The module a <c>-p</c> protocol loads implicitly, as <c>-p tcp --dport 80</c> loads tcp.</summary>
    public static OptionTable? ImplicitFor(Model.Values.Protocol protocol, Model.Values.IpFamily family) => protocol.Number switch
    {
        Model.Values.Protocol.Tcp => Known["tcp"],
        Model.Values.Protocol.Udp => Known["udp"],
        Model.Values.Protocol.Sctp => Known["sctp"],
        33 => Known["dccp"],
        Model.Values.Protocol.Icmp when family == Model.Values.IpFamily.V4 => Known["icmp"],
        Model.Values.Protocol.IcmpV6 when family == Model.Values.IpFamily.V6 => Known["icmp6"],
        _ => null,
    };
}
