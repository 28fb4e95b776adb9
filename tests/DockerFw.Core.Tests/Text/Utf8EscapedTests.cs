using System.Text;
using DockerFw.Core.Text;

namespace DockerFw.Core.Tests.Text;

/// <summary>UTF-8 that keeps the bytes it cannot decode: what a dump's names are read and written with.</summary>
public class Utf8EscapedTests
{
    [Fact]
    public void Any_bytes_are_written_back_as_they_were_read()
    {
        var random = new Random(14);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            Assert.Equal(bytes, Utf8Escaped.Instance.GetBytes(Utf8Escaped.Decode(bytes)));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x92, 0x80 })] // U+1F480 is D83D DC80: its low half is also the escape of byte 0x80
    [InlineData(new byte[] { 0xF0, 0x90, 0x83, 0xBF })] // U+100FF, D800 DCFF
    [InlineData(new byte[] { (byte)'a', 0xF0, 0x9F, 0x92, 0xA9, 0xFF })] // U+1F4A9 (D83D DCA9), then a byte that is no UTF-8
    public void A_character_whose_low_surrogate_is_also_an_escape_is_written_whole(byte[] bytes) =>
        Assert.Equal(bytes, Utf8Escaped.Instance.GetBytes(Utf8Escaped.Decode(bytes)));

    [Fact]
    public void Ascii_and_a_text_whose_first_other_byte_is_anywhere_read_as_utf8_reads_them()
    {
        // ASCII takes a way of its own, which stops at the first other byte: here at every place of a text longer
        // than the vectors it is widened with, a character of two bytes, one of four, and a byte that is no UTF-8.
        var ascii = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40).Select(i => (char)('!' + i))) + "\n");
        Assert.Equal(Encoding.ASCII.GetString(ascii), Utf8Escaped.Decode(ascii));
        Assert.Equal("", Utf8Escaped.Decode([]));
        foreach (byte[] other in (byte[][])[[0xC3, 0xA9], [0xF0, 0x9F, 0x92, 0x80], [0xFF]])
            for (var at = 0; at <= ascii.Length; at++)
            {
                byte[] bytes = [.. ascii[..at], .. other, .. ascii[at..]];
                var expected = other is [0xFF] ? Encoding.ASCII.GetString(ascii[..at]) + "\udcff" + Encoding.ASCII.GetString(ascii[at..]) : Encoding.UTF8.GetString(bytes);
                Assert.Equal(expected, Utf8Escaped.Decode(bytes));
            }
    }

    [Fact]
    public void Valid_utf8_reads_as_utf8_and_each_other_byte_as_one_escape()
    {
        byte[] bytes = [(byte)'a', 0xC3, 0xA9, 0xFF, (byte)'b', 0xE2, 0x82];

        Assert.Equal("a\u00e9\udcffb\udce2\udc82", Utf8Escaped.Decode(bytes));
    }

    [Theory]
    [InlineData("DOCKER", 6)]
    [InlineData("\u00e9\u00e9", 4)]
    [InlineData("\U0001F600", 4)]
    public void Lengths_are_counted_in_the_bytes_written(string text, int bytes) => Assert.Equal(bytes, Utf8Escaped.ByteCount(text));

    [Fact]
    public void A_byte_kept_from_input_that_is_no_utf8_counts_one() =>
        Assert.Equal(3, Utf8Escaped.ByteCount(Utf8Escaped.Decode([0xFF, 0xFE, 0xFD])));

    [Fact]
    public void A_writer_whose_buffer_cuts_a_surrogate_pair_writes_the_pair_whole()
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, Utf8Escaped.Instance, bufferSize: 16, leaveOpen: true))
        {
            writer.Write(new string('x', 15) + "\U0001F600" + "\udcff");
        }

        Assert.Equal([.. Enumerable.Repeat((byte)'x', 15), .. Encoding.UTF8.GetBytes("\U0001F600"), 0xFF], stream.ToArray());
    }

    [Fact]
    public void A_writer_with_any_buffer_size_writes_the_bytes_the_encoding_gives_the_whole_text()
    {
        // Escapes, surrogate pairs, lone surrogates and ASCII, cut anywhere by the writer's buffer.
        const int seed = 17;
        var random = new Random(seed);
        string[] pieces = ["a", "rule ", "\u00e9", "\U0001F600", "\udcff", "\udc80", "\ud83d", "\ude00", "\n"];
        for (var i = 0; i < 300; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 60)).Select(_ => pieces[random.Next(pieces.Length)]));
            using var stream = new MemoryStream();
            using (var writer = new StreamWriter(stream, Utf8Escaped.Instance, bufferSize: random.Next(1, 20), leaveOpen: true))
            {
                foreach (var part in text.Chunk(random.Next(1, 9))) writer.Write(part);
            }

            Assert.True(Utf8Escaped.Instance.GetBytes(text).AsSpan().SequenceEqual(stream.ToArray()), $"seed {seed}, text {i}");
        }
    }

    // Spectre.Console asks the writer's EncodingName: the base class looked it up by code page 0 and threw.
    [Fact]
    public void Its_names_are_utf8s()
    {
        Assert.Equal(Encoding.UTF8.EncodingName, Utf8Escaped.Instance.EncodingName);
        Assert.Equal("utf-8", Utf8Escaped.Instance.WebName);
        Assert.Equal("utf-8", Utf8Escaped.Instance.HeaderName);
        Assert.Equal("utf-8", Utf8Escaped.Instance.BodyName);
    }
}
