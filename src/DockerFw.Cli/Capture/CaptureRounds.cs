using System.Globalization;

namespace DockerFw.Cli.Capture;

/// <summary>
/// <c>capture --every INTERVAL OUT.tar.gz</c>: the host captured again and again, each round written
/// beside OUT (in <c>.next/</c> of its directory, which <c>fleet DIR</c> does not read) and renamed
/// over OUT, so a collector never reads half a bundle. The loop lives in dockerfw because the
/// container image it runs in has no shell (packaging/image: FROM scratch). A round that fails says
/// why and the next one tries again: one refused read must not end a node's captures.
/// </summary>
internal sealed class CaptureRounds(TimeSpan interval, int? rounds, TimeProvider clock, TextWriter error)
{
    public const string NextDirectory = ".next";

    /// <summary>The interval given: seconds, or a number with s, m, h or d (<c>90</c>, <c>15m</c>, <c>1h</c>); null when it is none.</summary>
    public static TimeSpan? Parse(string text)
    {
        var unit = text.Length > 0 && char.IsAsciiLetter(text[^1]) ? text[^1] : 's';
        var number = unit == text[^1] && char.IsAsciiLetter(unit) ? text[..^1] : text;
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 366 * 24 * 3600) return null;
        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    /// <summary>Where a round writes before the rename: the same file system as OUT, so the rename is atomic.</summary>
    public static string NextOf(string output) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, NextDirectory, Path.GetFileName(output));

    /// <summary>Runs the rounds (for ever without <c>rounds</c>); each writes with <paramref name="capture"/>. Returns how many failed.</summary>
    public int Run(string output, Action<string> capture)
    {
        var next = NextOf(output);
        var failed = 0;
        for (var round = 1; rounds is null || round <= rounds; round++)
        {
            if (round > 1) Task.Delay(interval, clock).Wait();
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(next)!);
                // A round cut short (the pod stopped mid-write) leaves its file behind: capture never overwrites.
                File.Delete(next);
                capture(next);
                File.Move(next, output, overwrite: true);
            }
            catch (Exception e) when (e is CliFailure or IOException or UnauthorizedAccessException)
            {
                failed++;
                error.WriteLine($"dockerfw: error: round {round}: {e.Message}; trying again in {interval}");
            }
        }

        return failed;
    }
}
