using System.Text;

namespace DockerFw.Cli.Input;

/// <summary>
/// Reads a whole input, but never more than its limit (<see cref="InputLimits"/>): a device or a pipe
/// has no length to check first, so the bytes are counted as they come.
/// </summary>
internal static class BoundedRead
{
    /// <param name="what">What the input is, for the message: "an iptables dump", "a policy".</param>
    public static byte[] Bytes(string path, long limit, string what)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
            return Bytes(stream, limit, path, what);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure($"cannot read {path}: {e.Message}");
        }
    }

    public static byte[] Bytes(Stream stream, long limit, string name, string what)
    {
        // A regular file says its size: refuse it before reading a byte.
        if (stream.CanSeek && stream.Length > limit) throw TooLarge(name, limit, what);
        if (!stream.CanSeek || stream.Length - stream.Position is not (> 0 and var size)) return Grown(stream, limit, name, what, []);

        // A file that says its size is read straight into an array of that size, left uncleared as the read fills it:
        // through a borrowed chunk into a buffer of that size, a 25 MB dump was copied twice and its array cleared
        // first, on the main thread before fmt's first pass (docs/performance.md, "Reader on every shape").
        var whole = GC.AllocateUninitializedArray<byte>((int)size);
        var got = stream.ReadAtLeast(whole, whole.Length, throwOnEndOfStream: false);
        if (got < whole.Length) return whole.AsSpan(0, got).ToArray();
        var more = stream.ReadByte();
        if (more < 0) return whole;
        // It grew while read: the rest as any stream's.
        if (whole.Length + 1 > limit) throw TooLarge(name, limit, what);
        return Grown(stream, limit, name, what, [.. whole, (byte)more]);
    }

    /// <summary>The bytes of <paramref name="stream"/> after <paramref name="head"/>, which was read from it already.</summary>
    private static byte[] Grown(Stream stream, long limit, string name, string what, byte[] head)
    {
        // Grown as the bytes come (a bundle's files are mostly small: a 64 KiB buffer for each was
        // most of what reading a bundle allocated), the chunk borrowed.
        using var buffer = new MemoryStream(head.Length);
        buffer.Write(head);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int read;
            while ((read = stream.Read(chunk, 0, 1 << 16)) > 0)
            {
                if (buffer.Length + read > limit) throw TooLarge(name, limit, what);
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        // A buffer the bytes filled exactly is the result, not a copy of it.
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>A whole text file as <see cref="File.ReadAllText(string)"/> reads it (UTF-8 unless a byte order mark says otherwise).</summary>
    public static string Text(string path, long limit, string what) => Decode(Bytes(path, limit, what));

    /// <summary>Text from a reader (stdin), counted in characters against the byte limit: never fewer bytes than characters.</summary>
    public static string Text(TextReader reader, long limit, string name, string what)
    {
        var text = new StringBuilder();
        var chunk = new char[1 << 16];
        int read;
        while ((read = reader.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (text.Length + read > limit) throw TooLarge(name, limit, what);
            text.Append(chunk, 0, read);
        }

        return text.ToString();
    }

    public static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    public static CliFailure TooLarge(string name, long limit, string what) =>
        new($"{name} is larger than the {InputLimits.Describe(limit)} dockerfw reads as {what} (see docs/cli.md, limits); is it the right file?");
}
