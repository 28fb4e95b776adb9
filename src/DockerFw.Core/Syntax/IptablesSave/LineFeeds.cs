using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>Counts the line feeds of a dump, to size the first pass's steps once.</summary>
/// <remarks>
/// <c>MemoryExtensions.Count</c> did this, and in the native build it calls
/// <c>Vector128.ExtractMostSignificantBits</c> of 16-bit lanes out of line, a software fallback of about 45
/// instructions per 8 characters (the baseline instruction set has no single instruction for it): 7% of fmt's
/// instructions on the comments shape, all of it on the main thread before the first pass starts
/// (docs/performance.md, "Reader on every shape"). Here each lane adds its own matches (compare, subtract)
/// and the lanes are summed only every 65,535 vectors.
/// </remarks>
internal static class LineFeeds
{
    public static int Count(ReadOnlySpan<char> text)
    {
        var units = MemoryMarshal.Cast<char, ushort>(text);
        ref var first = ref MemoryMarshal.GetReference(units);
        var count = 0;
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var lineFeed = Vector128.Create((ushort)'\n');
            var lastVector = units.Length - Vector128<ushort>.Count;
            while (i <= lastVector)
            {
                // A lane's count is 16 bits: at most 65,535 vectors before the lanes are added up.
                var lanes = Vector128<ushort>.Zero;
                var stop = Math.Min(lastVector, i + (ushort.MaxValue - 1) * Vector128<ushort>.Count);
                for (; i <= stop; i += Vector128<ushort>.Count)
                    lanes -= Vector128.Equals(Vector128.LoadUnsafe(ref first, (nuint)i), lineFeed);
                count += (int)Vector128.Sum(Vector128.WidenLower(lanes) + Vector128.WidenUpper(lanes));
            }
        }

        for (; i < units.Length; i++)
            if (units[i] == '\n') count++;
        return count;
    }
}
