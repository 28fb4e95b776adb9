using System.Buffers.Binary;
using System.Net;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Tests.Text;

/// <summary>
/// IPv6 addresses read and written without IPAddress: whatever the plain form accepts, IPAddress
/// accepts with the same value, and whatever it writes, IPAddress writes the same; the rest is left to
/// IPAddress. Seeded random addresses, biased to zero groups (where <c>::</c> goes), and edge cases.
/// </summary>
public class Ipv6TextTests
{
    private const int Seed = 17;

    [Theory]
    [InlineData("::", true)]
    [InlineData("::1", true)]
    [InlineData("1::", true)]
    [InlineData("fe80::1:2", true)]
    [InlineData("2001:DB8:0:0:0:0:0:FFFF", true)]
    [InlineData("1:2:3:4:5:6:7:8", true)]
    [InlineData("1:2:3:4:5::8", true)]
    [InlineData("1:2:3:4:5:6::8", false)]
    [InlineData("1:2:3:4:5:6:7::", false)]   // seven groups beside :: : left to IPAddress
    [InlineData("::ffff:1.2.3.4", false)]    // an IPv4 part: left to IPAddress
    [InlineData("fe80::1%2", false)]
    [InlineData("[::1]", false)]
    [InlineData(":1::2", false)]
    [InlineData("1::2:", false)]
    [InlineData("1:::2", false)]
    [InlineData("1::2::3", false)]
    [InlineData("12345::", false)]
    [InlineData("1:2:3:4:5:6:7", false)]
    [InlineData("1:2:3:4:5:6:7:8:9", false)]
    [InlineData(" ::1", false)]
    [InlineData("g::", false)]
    [InlineData("", false)]
    [InlineData(":", false)]
    public void The_plain_form_is_read_as_IPAddress_reads_it(string text, bool plain)
    {
        Assert.Equal(plain, Ipv6Text.TryParsePlain(text, out var value));
        if (plain) Assert.Equal(ViaIpAddress(text), value);
    }

    [Fact]
    public void Random_plain_texts_read_as_IPAddress_reads_them()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 20_000; i++)
        {
            var text = RandomText(random);
            if (!Ipv6Text.TryParsePlain(text, out var value)) continue;
            Assert.True(IPAddress.TryParse(text, out var address), $"seed {Seed}, '{text}': read here, refused by IPAddress");
            Assert.Equal(Bytes(address), value);
        }
    }

    [Fact]
    public void Addresses_are_written_as_IPAddress_writes_them()
    {
        var random = new Random(Seed);
        Span<char> text = stackalloc char[Ipv6Text.MaxLength];
        for (var i = 0; i < 20_000; i++)
        {
            var value = RandomValue(random);
            var expected = Expected(value);
            if (Ipv6Text.TryFormat(value, text, out var written)) Assert.Equal(expected, new string(text[..written]));
            Assert.Equal(expected, IpAddressValue.Format(value, IpFamily.V6));
            Assert.True(IpAddressValue.TryParse(expected, IpFamily.V6, out var back), $"seed {Seed}: '{expected}'");
            Assert.Equal(value, back);
        }
    }

    [Theory]
    [InlineData("::1.2.3.4")]
    [InlineData("::ffff:1.2.3.4")]
    [InlineData("::ffff:0:1.2.3.4")]
    [InlineData("fe80::5efe:1.2.3.4")]
    [InlineData("::")]
    [InlineData("1:0:0:2:0:0:0:3")]
    [InlineData("1:0:0:2:0:0:3:4")]
    public void Forms_with_an_IPv4_part_and_ties_between_zero_runs_are_written_as_IPAddress_writes_them(string text)
    {
        var value = ViaIpAddress(text);
        Assert.Equal(Expected(value), IpAddressValue.Format(value, IpFamily.V6));
    }

    private static string Expected(UInt128 value)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(b, value);
        return new IPAddress(b).ToString();
    }

    private static UInt128 ViaIpAddress(string text) => Bytes(IPAddress.Parse(text));

    private static UInt128 Bytes(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        Assert.True(address.TryWriteBytes(b, out var written) && written == 16);
        return BinaryPrimitives.ReadUInt128BigEndian(b);
    }

    private static UInt128 RandomValue(Random random)
    {
        UInt128 value = 0;
        for (var g = 0; g < 8; g++)
        {
            var group = random.Next(4) switch { 0 or 1 => 0, 2 => random.Next(1, 16), _ => random.Next(0x10000) };
            value = (value << 16) | (uint)group;
        }

        return value;
    }

    // Groups of 0-5 hex digits (mixed case) joined by one or two colons, sometimes with a colon at either end.
    private static string RandomText(Random random)
    {
        var parts = new List<string>();
        var groups = random.Next(0, 10);
        for (var g = 0; g < groups; g++)
        {
            var digits = random.Next(0, 6);
            parts.Add(new string([.. Enumerable.Range(0, digits).Select(_ => "0123456789abcdefABCDEF"[random.Next(22)])]));
        }

        var text = string.Join(':', parts);
        if (random.Next(3) == 0 && text.Length > 0)
        {
            var at = random.Next(text.Length + 1);
            text = text[..at] + "::" + text[at..];
        }

        return random.Next(10) switch { 0 => ":" + text, 1 => text + ":", _ => text };
    }
}
