using System.Runtime.InteropServices;

namespace DockerFw.Cli;

/// <summary>
/// Writes to a file descriptor with write(2), at the descriptor's own offset. A FileStream over
/// a regular file keeps a position of its own and writes with pwrite(2), leaving the offset it
/// shares with the shell untouched: in <c>{ dockerfw audit; echo done; } &gt; log</c> the shell's
/// next write, or the next dockerfw's, lands on top of the report.
/// </summary>
internal sealed partial class DescriptorStream(int descriptor) : WriteOnlyStream
{
    private const int Interrupted = 4; // EINTR

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var written = write(descriptor, start + done, (nuint)(buffer.Length - done));
                if (written >= 0)
                {
                    done += (int)written;
                    continue;
                }

                var error = Marshal.GetLastPInvokeError();
                if (error != Interrupted) throw new IOException(Marshal.GetPInvokeErrorMessage(error));
            }
        }
    }

    public override void Flush()
    {
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buffer, nuint count);
}
