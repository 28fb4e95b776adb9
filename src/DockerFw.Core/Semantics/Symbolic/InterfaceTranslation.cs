namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Boxes of one packet space asked of a ruleset compiled in another: the interface dimensions are
/// symbols of each space's own alphabet, the other dimensions are the same. A ruleset cut to some
/// tables and compiled apart (the nat table alone, on a host with nft tables) names fewer interfaces,
/// so its alphabet is coarser: each symbol of the fuller one stands for names of one symbol of the
/// coarser (a name's longest stem there is a stem here too), and a box goes there by any name of each
/// symbol and comes back as every symbol that goes to the ones it holds.
/// </summary>
public sealed class InterfaceTranslation
{
    private static readonly Dimension[] Sides = [Dimension.In, Dimension.Out];

    private readonly int[] _image;

    private InterfaceTranslation(int[] image) => _image = image;

    /// <summary>No translation: the two spaces share their alphabet.</summary>
    public bool Identity { get; private init; }

    public static InterfaceTranslation Between(PacketSpace from, PacketSpace to)
    {
        if (ReferenceEquals(from.Interfaces, to.Interfaces)) return new([]) { Identity = true };
        var image = new int[from.Interfaces.Count];
        for (var s = 0; s < image.Length; s++)
            image[s] = s == from.Interfaces.NoInterface ? to.Interfaces.NoInterface : to.Interfaces.SymbolOf(from.Interfaces.SampleName(s));
        return new(image) { Identity = image.Length == to.Interfaces.Count && image.Select((t, s) => t == s).All(x => x) };
    }

    /// <summary>The box in the other space: its interfaces by what they stand for there.</summary>
    public Box Forward(Box box) => Identity ? box : Sides.Aggregate(box, (b, d) => b.With(d, IntervalSet.FromValues(
        b[d].Ranges.SelectMany(r => Symbols(r.First, r.Last)).Select(s => (UInt128)_image[s]).Distinct())));

    /// <summary>A box of the other space back in this one: every symbol here that stands for names it holds.</summary>
    public Box Back(Box box) => Identity ? box : Sides.Aggregate(box, (b, d) => b.With(d, IntervalSet.FromValues(
        Enumerable.Range(0, _image.Length).Where(s => b[d].Contains((UInt128)_image[s])).Select(s => (UInt128)s))));

    private static IEnumerable<int> Symbols(UInt128 first, UInt128 last)
    {
        for (var s = first; s <= last; s++) yield return (int)s;
    }
}
