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

    // A change remembered per map it is applied to (and for no map): every DNAT and SNAT of a walk
    // asks one of a few, and making the table and its text key each time was a tenth of the outbound
    // NAT walk of a 1,000-bridge host. A change is one delegate (the walk's lambdas capture nothing, so
    // each is one cached instance); a capturing one would differ every time, hence the bound.
    private const int MaxRemembered = 32;
    private static readonly ConcurrentDictionary<Func<int, int>, StateMap> FromNone = new();
    private readonly ConcurrentDictionary<Func<int, int>, StateMap> _next = new();

    private readonly byte[] _image;
    private readonly ConcurrentDictionary<IntervalSet, IntervalSet> _preimages = new();

    private StateMap(byte[] image) => _image = image;

    public static StateMap Of(Func<int, int> change, StateMap? before)
    {
        var known = before?._next ?? FromNone;
        if (known.TryGetValue(change, out var map)) return map;
        map = Make(change, before);
        if (known.Count < MaxRemembered) known.TryAdd(change, map);
        return map;
    }

    private static StateMap Make(Func<int, int> change, StateMap? before)
    {
        var image = new byte[128];
        for (var v = 0; v < 128; v++) image[v] = (byte)change(before is null ? v : before._image[v]);
        return Interned.GetOrAdd(Convert.ToBase64String(image), _ => new StateMap(image));
    }

    /// <summary>The state value this map sends <paramref name="state"/> to.</summary>
    public int this[int state] => _image[state];

    /// <summary>The state values this map sends into <paramref name="set"/>.</summary>
    public IntervalSet Preimage(IntervalSet set) =>
        // Looked up first: the lambda holds this map, so handing it over makes a delegate every call.
        _preimages.TryGetValue(set, out var known) ? known
        : _preimages.GetOrAdd(set, s => IntervalSet.FromValues(Enumerable.Range(0, 128).Where(v => s.Contains(_image[v])).Select(v => (UInt128)v)));
}
