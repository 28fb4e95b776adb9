using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// How a TCP flags byte lies on the <see cref="Dimension.TcpFlags"/> dimension: its bits permuted so that
/// SYN, ACK, RST and FIN are the four highest and PSH, URG, ECE and CWR the four lowest. A condition is a
/// set of bytes, and a set is as many intervals as it has stretches of neighbouring values: <c>--syn</c>
/// (SYN set, FIN, RST and ACK clear, the other four free) holds 16 bytes none of which neighbours another
/// in the header's own order, so it was 16 intervals and its complement as many; here it is one, and every
/// set the real-world dumps test (the TUM dumps test it on ~1,000 rules each) is one or two. Only the
/// order changes: a point is a packet's encoded byte, a box holds the same packets, and reach writes
/// flags in iptables' words from the decoded bytes (<see cref="Decode"/>).
/// </summary>
public static class FlagsOrder
{
    // ECE and CWR, which iptables cannot name (nft can).
    private const TcpFlags Ece = (TcpFlags)0x40, Cwr = (TcpFlags)0x80;

    // From the highest encoded bit down: the bits --syn tests first (SYN and ACK together also make one
    // interval of SYN,ACK tests), then the rest in the header's order.
    private static readonly TcpFlags[] HighestFirst =
    [
        TcpFlags.Syn, TcpFlags.Ack, TcpFlags.Rst, TcpFlags.Fin,
        TcpFlags.Psh, TcpFlags.Urg, Ece, Cwr,
    ];

    private static readonly byte[] Encoded = Table(encode: true);
    private static readonly byte[] Decoded = Table(encode: false);

    /// <summary>The value on the dimension of a flags byte as the header carries it.</summary>
    public static int Encode(int header) => Encoded[header & 0xFF];

    /// <summary>The flags byte as the header carries it for a value of the dimension.</summary>
    public static int Decode(int value) => Decoded[value & 0xFF];

    /// <summary>The set of the dimension holding exactly these header bytes.</summary>
    public static IntervalSet Of(IEnumerable<int> headers) => IntervalSet.FromValues(headers.Select(h => (UInt128)Encode(h)));

    /// <summary>The header bytes a set of the dimension holds, ascending.</summary>
    public static IEnumerable<int> Bytes(IntervalSet set) =>
        set.Ranges.SelectMany(r => Enumerable.Range((int)r.First, (int)(Math.Min((ulong)r.Last, 255) - (ulong)r.First + 1)))
            .Select(Decode).Order();

    private static byte[] Table(bool encode)
    {
        var table = new byte[256];
        for (var header = 0; header < 256; header++)
        {
            var value = 0;
            for (var k = 0; k < HighestFirst.Length; k++)
                if ((header & (int)HighestFirst[k]) != 0) value |= 1 << (7 - k);
            if (encode) table[header] = (byte)value;
            else table[value] = (byte)header;
        }

        return table;
    }
}
