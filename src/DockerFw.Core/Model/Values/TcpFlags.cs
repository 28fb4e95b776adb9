namespace DockerFw.Core.Model.Values;

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
}

public static class TcpFlagsText
{
    private static readonly (TcpFlags Flag, string Name)[] Order =
    [
        (TcpFlags.Fin, "FIN"), (TcpFlags.Syn, "SYN"), (TcpFlags.Rst, "RST"),
        (TcpFlags.Psh, "PSH"), (TcpFlags.Ack, "ACK"), (TcpFlags.Urg, "URG"),
    ];

    /// <summary>Prints as iptables-save does: names in fixed order, NONE for none, never ALL.</summary>
    public static string Format(TcpFlags flags) =>
        flags == TcpFlags.None ? "NONE" : string.Join(',', Order.Where(o => flags.HasFlag(o.Flag)).Select(o => o.Name));

    public static bool TryParse(string text, out TcpFlags flags)
    {
        flags = TcpFlags.None;
        foreach (var part in text.Split(','))
        {
            if (part.Equals("ALL", StringComparison.OrdinalIgnoreCase)) flags |= TcpFlags.All;
            else if (part.Equals("NONE", StringComparison.OrdinalIgnoreCase)) { }
            else
            {
                var found = Order.FirstOrDefault(o => o.Name.Equals(part, StringComparison.OrdinalIgnoreCase));
                if (found.Name is null) return false;
                flags |= found.Flag;
            }
        }

        return true;
    }
}
