namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// <c>-m hashlimit</c>'s values as libxt_hashlimit 1.8.9 reads them for revision 3, the one restore loads:
/// a rate in packets (<c>N[/second|/minute|/hour|/day]</c>, the unit any prefix in any case) or in bytes
/// (<c>N[k|m]b/s</c>), each read with <c>atoll</c>; a burst (libxtables' base-0 number, then a factor
/// <c>k</c> or <c>m</c>); the mode's words; and the final check that compares the burst with the rate.
/// </summary>
internal static class HashlimitValues
{
    private const ulong Scale = 1_000_000; // XT_HASHLIMIT_SCALE_v2

    /// <summary>XT_HASHLIMIT_BURST_MAX: a packet burst may not be larger.</summary>
    public const ulong BurstMax = 1_000_000;

    private static readonly (string Unit, ulong Seconds)[] Units = [("second", 1), ("minute", 60), ("hour", 3600), ("day", 86400)];

    /// <summary>A rate as parse_bytes, then parse_rate, read it; null when restore refuses it (0, no number, a bad unit, too fast).</summary>
    public static (ulong Cost, bool Bytes)? Rate(string text)
    {
        var bytesAt = text.IndexOf("b/s", StringComparison.Ordinal);
        if (bytesAt > 0 && (ulong)CNumbers.Atoll(text) is var amount && amount != 0)
        {
            var total = unchecked(amount * Factor(text[bytesAt - 1]));
            var cost = BytesToCost(total);
            // "Rate too high": the cost of a byte rounds to 0.
            return cost == 0 ? null : (cost, true);
        }

        var seconds = 1UL;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            var unit = text[(slash + 1)..];
            var found = Units.FirstOrDefault(u => unit.Length > 0 && unit.Length <= u.Unit.Length && u.Unit.StartsWith(unit, StringComparison.OrdinalIgnoreCase));
            if (found.Unit is null) return null;
            seconds = found.Seconds;
        }

        var rate = (ulong)CNumbers.Atoll(text);
        if (rate == 0) return null;
        var period = Scale * seconds / rate;
        // "Rate too fast": the period between two packets rounds to 0.
        return period == 0 ? null : (period, false);
    }

    /// <summary>parse_burst: a number of at least 1 (base 0, text after it allowed), at most 1,000,000 when nothing follows, times k or m.</summary>
    public static ulong? Burst(string text)
    {
        if (!Model.Values.XtablesNumber.TryParsePrefix(text, out var value, out var used) || value < 1) return null;
        if (used == text.Length) return value > BurstMax ? null : value;
        return unchecked(value * Factor(text[used]));
    }

    /// <summary>parse_mode: words split by ',' or '|' (empty ones skipped, as strtok skips them).</summary>
    public static bool IsMode(string text) =>
        text.Split([',', '|'], StringSplitOptions.RemoveEmptyEntries).All(w => w is "srcip" or "dstip" or "srcport" or "dstport");

    /// <summary>parse_interval: atoi above 0.</summary>
    public static bool IsInterval(string text) => unchecked((int)CNumbers.Atoll(text)) > 0;

    /// <summary>
    /// hashlimit_mt_check: a packet burst above 1,000,000 (after its factor) is refused; a byte burst below the
    /// bytes of one credit of the rate ("burst cannot be smaller than ...b").
    /// </summary>
    public static bool BurstFits(ulong cost, bool bytes, ulong burst) => bytes ? burst >= CostToBytes(cost) : burst <= BurstMax;

    /// <summary>XT_HASHLIMIT_BURST: the burst libxt_hashlimit gives a rule without <c>--hashlimit-burst</c>.</summary>
    public const ulong DefaultBurst = 5;

    /// <summary>
    /// HZ times CREDITS_PER_JIFFY over XT_HASHLIMIT_SCALE_v2, the factor by which the kernel's user2credits (revision 3)
    /// turns a period into credits: CREDITS_PER_JIFFY is the power of two below 2^64 / (HZ * 86400), so HZ 250 (2^39) and
    /// HZ 1000 (2^37) give the same 137,438,953 (this machine runs HZ 250); HZ 100 and 300 kernels give other factors
    /// (docs/acceptance.md: deliberate).
    /// </summary>
    private const ulong CreditsPerPeriod = 137_438_953;

    /// <summary>
    /// hashlimit_mt_check_common's "overflow, try lower" (ERANGE): a packet rate's credits for the whole burst,
    /// <c>user2credits(avg * burst)</c> in 64 bits that wrap, below one packet's <c>user2credits(avg)</c>. A slow rate
    /// takes a small burst only: 1/day loads with a burst of 1, not with the default 5.
    /// </summary>
    public static bool CreditsOverflow(ulong cost, ulong burst) =>
        unchecked(cost * burst * CreditsPerPeriod) < unchecked(cost * CreditsPerPeriod);

    /// <summary>
    /// The kernel's byte-rate check ("overflow, rate too high", EINVAL): user2credits_byte(avg), avg times HZ times
    /// CREDITS_PER_JIFFY_BYTES (4,194,304,000 for HZ 250 and 1000, less for 100 and 300) over 2^32, is 0 for a cost of 1
    /// whatever HZ is: a rate of 32 GB/s and more.
    /// </summary>
    public static bool ByteCostTooSmall(ulong cost) => (cost * 4_194_304_000UL) >> 32 == 0;

    private static ulong Factor(char c) => c switch { 'm' => 1024 * 1024, 'k' => 1024, _ => 1 };

    // XT_HASHLIMIT_BYTE_SHIFT is 4; the library keeps the shifted bytes in 32 bits.
    private static ulong BytesToCost(ulong bytes)
    {
        var shifted = unchecked((uint)(bytes >> 4) + 1U);
        // C divides by zero here (restore crashes): taken as refused.
        return shifted == 0 ? 0 : uint.MaxValue / shifted;
    }

    private static ulong CostToBytes(ulong cost) => ((cost != 0 ? uint.MaxValue / cost : uint.MaxValue) - 1) << 4;
}
