namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The service names iptables resolves through /etc/services. A fixed table, so reading a dump does
/// not depend on the machine; iptables-save itself only ever prints numbers.
/// </summary>
internal static class Services
{
    // Not frozen: the table is built at every start, and freezing it cost more than the lookups of `fmt` of a small dump
    // save (all the reader's frozen tables: 1.4 -> 0.7 M instructions of start; docs/performance.md, "Reader on every shape").
    private static readonly Dictionary<string, int> Ports = new(StringComparer.Ordinal)
    {
        ["tcpmux"] = 1, ["echo"] = 7, ["discard"] = 9, ["daytime"] = 13, ["ftp-data"] = 20, ["ftp"] = 21,
        ["ssh"] = 22, ["telnet"] = 23, ["smtp"] = 25, ["time"] = 37, ["whois"] = 43, ["tacacs"] = 49,
        ["domain"] = 53, ["bootps"] = 67, ["bootpc"] = 68, ["tftp"] = 69, ["gopher"] = 70, ["finger"] = 79,
        ["http"] = 80, ["www"] = 80, ["kerberos"] = 88, ["pop3"] = 110, ["sunrpc"] = 111, ["auth"] = 113,
        ["ident"] = 113, ["nntp"] = 119, ["ntp"] = 123, ["epmap"] = 135, ["netbios-ns"] = 137,
        ["netbios-dgm"] = 138, ["netbios-ssn"] = 139, ["imap2"] = 143, ["imap"] = 143, ["snmp"] = 161,
        ["snmp-trap"] = 162, ["bgp"] = 179, ["irc"] = 194, ["ldap"] = 389, ["https"] = 443,
        ["microsoft-ds"] = 445, ["isakmp"] = 500, ["syslog"] = 514, ["submission"] = 587, ["ldaps"] = 636,
        ["rsync"] = 873, ["ftps"] = 990, ["imaps"] = 993, ["pop3s"] = 995, ["openvpn"] = 1194,
        ["ms-sql-s"] = 1433, ["l2tp"] = 1701, ["pptp"] = 1723, ["radius"] = 1812, ["radius-acct"] = 1813,
        ["nfs"] = 2049, ["mysql"] = 3306, ["ms-wbt-server"] = 3389, ["ipsec-nat-t"] = 4500,
        ["sip"] = 5060, ["postgresql"] = 5432, ["x11"] = 6000, ["http-alt"] = 8080,
    };

    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> ByText =
        Ports.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool TryGetPort(ReadOnlySpan<char> name, out int port) => ByText.TryGetValue(name, out port);
}
