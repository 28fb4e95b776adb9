namespace DockerFw.Core.Model.Values;

/// <summary>
/// Byte 13 of the TCP header, as the kernel's matches compare it (xt_tcpudp, nft's <c>tcp flags</c>).
/// iptables names the low six bits only (its ALL is 0x3F); ECE and CWR (nft's <c>ecn</c> and
/// <c>cwr</c>) are the two high ones, which an ECN-capable SYN sets.
/// </summary>
[Flags]
public enum TcpFlags
{
    None = 0,
    Fin = 1,
    Syn = 2,
    Rst = 4,
    Psh = 8,
    Ack = 16,
    Urg = 32,
    All = 63,
    Ece = 64,
    Cwr = 128,
}

public static class TcpFlagsText
{
    private static readonly (TcpFlags Flag, string Name)[] Order =
    [
        (TcpFlags.Fin, "FIN"), (TcpFlags.Syn, "SYN"), (TcpFlags.Rst, "RST"),
        (TcpFlags.Psh, "PSH"), (TcpFlags.Ack, "ACK"), (TcpFlags.Urg, "URG"),
        (TcpFlags.Ece, "ECE"), (TcpFlags.Cwr, "CWR"),
    ];

    // iptables' names (libxt_tcp's tcp_flag_names): the low six bits, ALL and NONE; it refuses the others.
    private const int IptablesNames = 6;

    /// <summary>The names a flags byte prints with and <see cref="TryParseHeader"/> reads, in order.</summary>
    public static IEnumerable<string> Names => Order.Select(o => o.Name);

    /// <summary>
    /// Prints as iptables-save does: names in fixed order, NONE for none, never ALL. ECE and CWR, which
    /// only an nft rule (or a packet) holds, follow URG.
    /// </summary>
    public static string Format(TcpFlags flags) =>
        flags == TcpFlags.None ? "NONE" : string.Join(',', Order.Where(o => flags.HasFlag(o.Flag)).Select(o => o.Name));

    /// <summary>iptables' <c>--tcp-flags</c> words: FIN, SYN, RST, PSH, ACK, URG, ALL, NONE (any case).</summary>
    public static bool TryParse(string text, out TcpFlags flags) => TryParse(text, IptablesNames, allowAll: true, out flags);

    /// <summary>A packet's flags byte in words: the eight header names (ECE, CWR too) and NONE.</summary>
    public static bool TryParseHeader(string text, out TcpFlags flags) => TryParse(text, Order.Length, allowAll: false, out flags);

    /// <summary>nft's <c>tcp flags</c> names: fin, syn, rst, psh, ack, urg, ecn (ECE), cwr.</summary>
    public static bool TryParseNft(IEnumerable<string> names, out TcpFlags flags)
    {
        flags = TcpFlags.None;
        foreach (var name in names)
        {
            var header = name == "ecn" ? "ECE" : name.ToUpperInvariant();
            var found = Order.FirstOrDefault(o => o.Name == header && name == name.ToLowerInvariant());
            if (found.Name is null) return false;
            flags |= found.Flag;
        }

        return true;
    }

    private static bool TryParse(string text, int known, bool allowAll, out TcpFlags flags)
    {
        flags = TcpFlags.None;
        foreach (var part in text.Split(','))
        {
            if (allowAll && part.Equals("ALL", StringComparison.OrdinalIgnoreCase)) flags |= TcpFlags.All;
            else if (part.Equals("NONE", StringComparison.OrdinalIgnoreCase)) { }
            else
            {
                var found = Order.Take(known).FirstOrDefault(o => o.Name.Equals(part, StringComparison.OrdinalIgnoreCase));
                if (found.Name is null) return false;
                flags |= found.Flag;
            }
        }

        return true;
    }
}
