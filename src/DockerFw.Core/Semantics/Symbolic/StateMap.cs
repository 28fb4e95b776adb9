using System.Collections.Concurrent;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A change of conntrack state values (NAT adds the SNAT/DNAT bits, NOTRACK makes a packet
/// UNTRACKED), as a table over the 128 state values. Maps are interned, and each remembers the
/// preimages it has computed: a flow meets the same few state conditions thousands of times.
/// </summary>
internal sealed class StateMap
{
    private static readonly ConcurrentDictionary<string, StateMap> Interned = new();

    private readonly byte[] _image;
    private readonly ConcurrentDictionary<IntervalSet, IntervalSet> _preimages = new();

    private StateMap(byte[] image) => _image = image;

    public static StateMap Of(Func<int, int> change, StateMap? before)
    {
        var image = new byte[128];
        for (var v = 0; v < 128; v++) image[v] = (byte)change(before is null ? v : before._image[v]);
        return Interned.GetOrAdd(Convert.ToBase64String(image), _ => new StateMap(image));
    }

    /// <summary>The state values this map sends into <paramref name="set"/>.</summary>
    public IntervalSet Preimage(IntervalSet set) =>
        _preimages.GetOrAdd(set, s => IntervalSet.FromValues(Enumerable.Range(0, 128).Where(v => s.Contains(_image[v])).Select(v => (UInt128)v)));
}
