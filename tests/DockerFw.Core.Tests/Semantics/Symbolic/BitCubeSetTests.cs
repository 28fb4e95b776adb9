using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Semantics.Symbolic;

public sealed class BitCubeSetTests
{
    [Fact]
    public void A_single_bit_test_is_one_cube_and_its_complement_another()
    {
        var marked = BitCubeSet.Of(0x4000, 0x4000);
        Assert.Single(marked.Cubes);
        Assert.Single(marked.Complement().Cubes);
        Assert.True(marked.Complement().Contains(0x1));
        Assert.False(marked.Complement().Contains(0x4001));
    }

    [Fact]
    public void Set_xmark_fixes_the_masked_bits_and_keeps_the_others()
    {
        var rewritten = BitCubeSet.Of(0x1, 0xf).Rewrite(0x4000, 0x4000);
        Assert.True(rewritten.Contains(0x4001));
        Assert.True(rewritten.Contains(0x4011));
        Assert.False(rewritten.Contains(0x1));
    }

    [Fact]
    public void Operations_agree_with_plain_sets_over_six_bits()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var round = 0; round < 500; round++)
        {
            var a = RandomSet(random);
            var b = RandomSet(random);
            var ctx = $"seed {seed} round {round}: {a} {b}";
            Assert.True(Members(a.Intersect(b)).SetEquals(Members(a).Intersect(Members(b))), ctx);
            Assert.True(Members(a.Subtract(b)).SetEquals(Members(a).Except(Members(b))), ctx);
            Assert.True(Members(a.Union(b)).SetEquals(Members(a).Union(Members(b))), ctx);
            Assert.True(Disjoint(a.Union(b)), ctx);

            var (value, mask) = ((uint)random.Next(64), (uint)random.Next(64));
            var image = Members(a).Select(m => (m & ~mask) ^ value).ToHashSet();
            Assert.True(Members(a.Rewrite(value, mask)).SetEquals(image), ctx);
            var (keep, flip) = ((uint)random.Next(64) | ~63u, (uint)random.Next(64));
            var preimage = Enumerable.Range(0, 64).Select(m => (uint)m).Where(m => a.Contains((m & keep) ^ flip)).ToHashSet();
            Assert.True(Members(a.Preimage(keep, flip)).SetEquals(preimage), ctx);
        }
    }

    // Marks above bit 5 are held at 0, so a set over six bits is enumerable.
    private static BitCubeSet RandomSet(Random random)
    {
        var set = BitCubeSet.Empty;
        for (var i = random.Next(4); i > 0; i--)
            set = set.Union(BitCubeSet.Of((uint)random.Next(64), (uint)random.Next(64) | ~63u));
        return set;
    }

    private static HashSet<uint> Members(BitCubeSet set) =>
        Enumerable.Range(0, 64).Select(m => (uint)m).Where(set.Contains).ToHashSet();

    private static bool Disjoint(BitCubeSet set) =>
        set.Cubes.Select((c, i) => set.Cubes.Skip(i + 1).All(d => !c.Overlaps(d))).All(x => x);
}
