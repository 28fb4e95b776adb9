using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Tests.Semantics.Symbolic;

/// <summary>The TCP flags dimension's order: a permutation of the byte's bits, with iptables' common tests one interval.</summary>
public sealed class FlagsOrderTests
{
    private const TcpFlags SynMask = TcpFlags.Fin | TcpFlags.Syn | TcpFlags.Rst | TcpFlags.Ack;

    [Fact]
    public void Every_byte_is_encoded_to_one_value_and_decoded_back()
    {
        var values = Enumerable.Range(0, 256).Select(FlagsOrder.Encode).ToList();
        Assert.Equal(256, values.Distinct().Count());
        Assert.All(Enumerable.Range(0, 256), b => Assert.Equal(b, FlagsOrder.Decode(FlagsOrder.Encode(b))));
        Assert.Equal(0, FlagsOrder.Encode(0));
        Assert.Equal(255, FlagsOrder.Encode(255));
    }

    [Fact]
    public void Each_flag_is_one_bit_of_the_value()
    {
        Assert.All(Enumerable.Range(0, 8), bit => Assert.Equal(1, System.Numerics.BitOperations.PopCount((uint)FlagsOrder.Encode(1 << bit))));
        // A byte's value is the union of its flags' values.
        Assert.All(Enumerable.Range(0, 256), b => Assert.Equal(
            FlagsOrder.Encode(b), Enumerable.Range(0, 8).Where(bit => (b >> bit & 1) == 1).Aggregate(0, (v, bit) => v | FlagsOrder.Encode(1 << bit))));
    }

    [Theory]
    // --syn and ! --syn, and the other tests of the real-world corpus on the four high bits.
    [InlineData(SynMask, TcpFlags.Syn, 1)]
    [InlineData(SynMask, TcpFlags.Rst, 1)]
    [InlineData(TcpFlags.Syn | TcpFlags.Ack, TcpFlags.Syn | TcpFlags.Ack, 1)]
    [InlineData(TcpFlags.Syn | TcpFlags.Ack, TcpFlags.Syn, 1)]
    [InlineData(TcpFlags.Syn, TcpFlags.Syn, 1)]
    public void Tests_of_the_high_bits_are_one_interval(TcpFlags mask, TcpFlags compare, int intervals)
    {
        var set = RuleCompiler.Flags(mask, compare);
        Assert.Equal(intervals, set.Count);
        Assert.Equal(1 << (8 - System.Numerics.BitOperations.PopCount((uint)mask)), (int)set.Cardinality);
        Assert.True(set.Complement(255).Count <= 2);
    }

    [Fact]
    public void A_set_holds_exactly_the_bytes_the_kernel_test_holds()
    {
        foreach (var (mask, compare) in new[] { (SynMask, TcpFlags.Syn), (TcpFlags.All, TcpFlags.None), (TcpFlags.Syn | TcpFlags.Rst, TcpFlags.Syn), (TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg, TcpFlags.Fin | TcpFlags.Urg) })
        {
            var set = RuleCompiler.Flags(mask, compare);
            var expected = Enumerable.Range(0, 256).Where(b => (b & (int)mask) == (int)compare).ToList();
            Assert.Equal(expected, FlagsOrder.Bytes(set));
            Assert.All(Enumerable.Range(0, 256), b => Assert.Equal(expected.Contains(b), set.Contains((UInt128)FlagsOrder.Encode(b))));
        }
    }
}
