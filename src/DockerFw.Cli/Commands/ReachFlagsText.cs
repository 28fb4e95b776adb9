using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>
/// A set of TCP flags bytes in iptables' words: each value is <c>COMP/MASK</c>, the bytes whose flags
/// in MASK are exactly those in COMP (<c>--tcp-flags MASK COMP</c>, as nft writes <c>tcp flags syn / fin,syn,rst,ack</c>),
/// so <c>SYN/FIN,SYN,RST,ACK</c> is what <c>--syn</c> matches. A set several such cubes make but whose
/// complement is one is written <c>!COMP/MASK</c> (<c>! --syn</c>). The cubes are disjoint.
/// </summary>
internal static class ReachFlagsText
{
    // Byte 13 of the TCP header, low bit first; iptables knows the first six (docs/reach-json.md).
    private static readonly string[] Names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];

    // A dump's boxes take a handful of flags sets, written again for box after box (thousands on a TUM
    // dump, each a search over the 256 bytes): each set is put in words once.
    [ThreadStatic] private static Dictionary<IntervalSet, IReadOnlyList<string>>? Written;

    public static IReadOnlyList<string> Of(IntervalSet set)
    {
        var written = Written ??= [];
        if (written.Count > 1024) written.Clear();
        if (!written.TryGetValue(set, out var words)) written[set] = words = InWords(set);
        return words;
    }

    private static IReadOnlyList<string> InWords(IntervalSet set)
    {
        var member = new bool[256];
        foreach (var header in FlagsOrder.Bytes(set)) member[header] = true;
        var cubes = Cubes(member);
        var outside = Cubes([.. member.Select(m => !m)]);
        return cubes.Count > 1 && outside.Count == 1 ? ["!" + Words(outside[0])] : [.. cubes.Select(Words)];
    }

    /// <summary>
    /// The set as disjoint cubes (value, mask), deciding bits from the highest: a bit both halves of a
    /// cube agree on stays free (CWR and ECE, which iptables never tests, stay out of every mask).
    /// </summary>
    private static List<(int Value, int Mask)> Cubes(bool[] member)
    {
        var cubes = new List<(int, int)>();
        Split(7, 0, 0);
        return cubes;

        void Split(int bit, int value, int mask)
        {
            var inside = Members(value, mask).Count(v => member[v]);
            if (inside == 0) return;
            if (inside == 1 << (8 - BitCount(mask))) { cubes.Add((value, mask)); return; }
            while (Members(value, mask).Where(v => (v >> bit & 1) == 0).All(v => member[v] == member[v | 1 << bit])) bit--;
            Split(bit - 1, value, mask | 1 << bit);
            Split(bit - 1, value | 1 << bit, mask | 1 << bit);
        }
    }

    private static IEnumerable<int> Members(int value, int mask) => Enumerable.Range(0, 256).Where(v => (v & mask) == value);

    private static int BitCount(int mask) => System.Numerics.BitOperations.PopCount((uint)mask);

    private static string Words((int Value, int Mask) cube) => $"{Flags(cube.Value)}/{Flags(cube.Mask)}";

    private static string Flags(int bits) =>
        bits == 0 ? "NONE" : string.Join(',', Enumerable.Range(0, 8).Where(b => (bits >> b & 1) == 1).Select(b => Names[b]));

}
