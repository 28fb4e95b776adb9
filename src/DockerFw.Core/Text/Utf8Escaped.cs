using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace DockerFw.Core.Text;

/// <summary>
/// UTF-8 that keeps the bytes it cannot decode. The kernel's names are bytes (a chain name is up to
/// 28 of them, an interface name 15), and a dump may hold names and comments that are no UTF-8: each
/// such byte is read as the lone surrogate U+DC80-U+DCFF (Python's "surrogateescape") and written
/// back as the same byte, so <c>fmt</c> prints the chain the kernel has, and lengths are counted in
/// the bytes the kernel counts. Valid UTF-8 reads and writes as usual.
/// </summary>
public sealed class Utf8Escaped : Encoding
{
    public static Utf8Escaped Instance { get; } = new();

    // UTF-8's names: the base class looks them up by code page (0 here) and throws, and Spectre.Console
    // asks a writer's EncodingName (audit's text output to a pipe ended in NotSupportedException).
    public override string EncodingName => UTF8.EncodingName;

    public override string WebName => UTF8.WebName;

    public override string BodyName => UTF8.BodyName;

    public override string HeaderName => UTF8.HeaderName;

    /// <summary>The text of <paramref name="bytes"/>, each byte that is not part of valid UTF-8 kept as U+DC00 plus the byte.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        // The common case, a dump all in ASCII, in one pass that stops at the first other byte: checking that the
        // bytes are UTF-8 and then decoding them were two passes over a 10-25 MB dump on fmt's main thread, before
        // anything else can start (docs/performance.md, "Reader on every shape").
        if (WidenedAscii(bytes) is { } ascii) return ascii;
        // Else a dump that is all valid UTF-8 decodes at full speed.
        if (Utf8.IsValid(bytes)) return UTF8.GetString(bytes);
        var text = new StringBuilder(bytes.Length);
        Span<char> one = stackalloc char[2];
        while (!bytes.IsEmpty)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes, out var rune, out var used);
            if (status == System.Buffers.OperationStatus.Done)
            {
                text.Append(one[..rune.EncodeToUtf16(one)]);
                bytes = bytes[used..];
                continue;
            }

            text.Append((char)(0xDC00 + bytes[0]));
            bytes = bytes[1..];
        }

        return text.ToString();
    }

    /// <summary>The text of <paramref name="bytes"/> when every one is ASCII, else null.</summary>
    private static string? WidenedAscii(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return "";
        // Written in place once made, as string.Create does (its callback cannot take a span); dropped unless every byte was ASCII.
        var text = new string('\0', bytes.Length);
        var chars = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(text.AsSpan()), text.Length);
        return Ascii.ToUtf16(bytes, chars, out _) == OperationStatus.Done ? text : null;
    }

    /// <summary>How many bytes <paramref name="text"/> is written as: what the kernel's length limits count.</summary>
    public static int ByteCount(ReadOnlySpan<char> text) => Instance.GetByteCount(text);

    private static bool IsEscape(char c) => c is >= '\uDC80' and <= '\uDCFF';

    public override int GetByteCount(char[] chars, int index, int count) => GetByteCount(chars.AsSpan(index, count));

    public override int GetByteCount(ReadOnlySpan<char> chars)
    {
        var count = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c < 0x80) count++;
            else if (c < 0x800) count += 2;
            else if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                count += 4;
                i++;
            }
            else count += IsEscape(c) ? 1 : 3;
        }

        return count;
    }

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        GetBytes(chars.AsSpan(charIndex, charCount), bytes.AsSpan(byteIndex));

    public override int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes)
    {
        // One pass of UTF-8's own transcoder, which stops only at a surrogate without its pair: an escape there is
        // its byte, any other lone surrogate U+FFFD as UTF-8 writes it. A search for escapes first, as before, was a
        // second pass over fmt's whole output, and it took the low half of a pair in U+DC80-U+DCFF (U+1F480, for one)
        // for an escape, cutting the character in two.
        ReadOnlySpan<byte> replacement = [0xEF, 0xBF, 0xBD];
        var written = 0;
        while (true)
        {
            var status = Utf8.FromUtf16(chars, bytes[written..], out var read, out var wrote, replaceInvalidSequences: false);
            written += wrote;
            if (status == System.Buffers.OperationStatus.Done) return written;
            if (status != System.Buffers.OperationStatus.InvalidData)
                throw new ArgumentException("the buffer is too small for the bytes", nameof(bytes));
            if (IsEscape(chars[read])) bytes[written++] = (byte)(chars[read] - 0xDC00);
            else
            {
                replacement.CopyTo(bytes[written..]);
                written += replacement.Length;
            }

            chars = chars[(read + 1)..];
        }
    }

    public override int GetCharCount(byte[] bytes, int index, int count) => Decode(bytes.AsSpan(index, count)).Length;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
    {
        var text = Decode(bytes.AsSpan(byteIndex, byteCount));
        text.CopyTo(0, chars, charIndex, text.Length);
        return text.Length;
    }

    public override int GetMaxByteCount(int charCount) => (charCount + 1) * 3;

    public override int GetMaxCharCount(int byteCount) => byteCount + 1;

    /// <summary>An encoder that keeps a high surrogate a writer's buffer cut from its pair until the next call.</summary>
    public override Encoder GetEncoder() => new PairKeepingEncoder();

    /// <remarks>
    /// StreamWriter hands it spans; the base class's span methods copy them into fresh arrays (and the
    /// text was joined into a string), which on fmt's 13 MB of output was over 100 MB of garbage held to
    /// the end under the collection pause. So only a held surrogate, the rare case, is joined here.
    /// </remarks>
    private sealed class PairKeepingEncoder : Encoder
    {
        private char pending;

        public override int GetByteCount(char[] chars, int index, int count, bool flush) =>
            GetByteCount(chars.AsSpan(index, count), flush);

        public override int GetByteCount(ReadOnlySpan<char> chars, bool flush)
        {
            if (pending != '\0') return Instance.GetByteCount(Joined(chars, flush, out _));
            return Instance.GetByteCount(Held(chars, flush, out _));
        }

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex, bool flush) =>
            GetBytes(chars.AsSpan(charIndex, charCount), bytes.AsSpan(byteIndex), flush);

        public override int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes, bool flush)
        {
            if (pending != '\0')
            {
                var text = Joined(chars, flush, out var keep);
                pending = keep;
                return Instance.GetBytes(text, bytes);
            }

            var whole = Held(chars, flush, out var held);
            pending = held;
            return Instance.GetBytes(whole, bytes);
        }

        public override void Reset() => pending = '\0';

        // A high surrogate at the end is held back unless flushing.
        private static ReadOnlySpan<char> Held(ReadOnlySpan<char> chars, bool flush, out char keep)
        {
            keep = '\0';
            if (flush || chars.IsEmpty || !char.IsHighSurrogate(chars[^1])) return chars;
            keep = chars[^1];
            return chars[..^1];
        }

        // The pending high surrogate first, then as Held.
        private string Joined(ReadOnlySpan<char> chars, bool flush, out char keep)
        {
            var text = pending + chars.ToString();
            keep = '\0';
            if (!flush && text.Length > 0 && char.IsHighSurrogate(text[^1]))
            {
                keep = text[^1];
                text = text[..^1];
            }

            return text;
        }
    }
}
