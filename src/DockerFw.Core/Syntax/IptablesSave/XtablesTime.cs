namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// <c>-m time</c>'s values as libxt_time 1.8.9 reads them, with glibc's <c>strtoul</c> (a 32-bit
/// <c>unsigned int</c> keeps the low bits of what it reads) and its copy of each list item into a small buffer.
/// </summary>
internal static class XtablesTime
{
    /// <summary>The last second of a day, the default of <c>--timestop</c> (XT_TIME_MAX_DAYTIME).</summary>
    public const uint LastSecond = (24 * 60 * 60) - 1;

    private static readonly string Separators = "--T::";

    private static readonly uint[] Largest = [2038, 12, 31, 23, 59, 59];

    /// <summary>
    /// time_parse_date: <c>YYYY[-MM[-DD[Thh[:mm[:ss]]]]]</c>, the year 1970-2038, each field read by strtoul (an
    /// empty one is 0), then mktime in UTC, which normalizes month 0 and day 0 backwards: a date before 1970 fails.
    /// </summary>
    public static bool IsDate(string text)
    {
        uint[] fields = [0, 1, 1, 0, 0, 0];
        var rest = text.AsSpan();
        for (var f = 0; f < fields.Length; f++)
        {
            var value = (uint)CNumbers.Strtoul(rest, 10, out var end);
            var next = end < rest.Length ? rest[end] : '\0';
            var ends = f == fields.Length - 1 ? next == '\0' : next == '\0' || next == Separators[f];
            if (!ends || value > Largest[f] || (f == 0 && value < 1970)) return false;
            fields[f] = value;
            if (next == '\0') break;
            rest = rest[(end + 1)..];
        }

        var when = new DateTime((int)fields[0], 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths((int)fields[1] - 1)
            .AddDays(fields[2] - 1.0).AddHours(fields[3]).AddMinutes(fields[4]).AddSeconds(fields[5]);
        return when >= DateTime.UnixEpoch;
    }

    /// <summary>time_parse_minutes: <c>hh:mm[:ss]</c> (the hour must be followed by ':'), in seconds; null when refused.</summary>
    public static uint? Daytime(string text)
    {
        var s = text.AsSpan();
        var hour = (uint)CNumbers.Strtoul(s, 10, out var end);
        if (end >= s.Length || s[end] != ':' || hour > 23) return null;
        s = s[(end + 1)..];
        var minute = (uint)CNumbers.Strtoul(s, 10, out end);
        if ((end < s.Length && s[end] != ':') || minute > 59) return null;
        if (end >= s.Length) return (hour * 3600) + (minute * 60);
        s = s[(end + 1)..];
        var second = (uint)CNumbers.Strtoul(s, 10, out end);
        if (end < s.Length || second > 59) return null;
        return (hour * 3600) + (minute * 60) + second;
    }

    /// <summary>
    /// time_parse_weekdays: items split by ',' and cut to 3 characters; a number (base 0) other than 0 is taken
    /// as it is, else the item's first two characters must be a day's (Mo, Tu, We, Th, Fr, Sa, Su; case counts).
    /// An empty item is the number 0 ("the week does NOT begin with Sunday").
    /// </summary>
    public static bool IsWeekdays(string text) => Items(text, 3).All(day =>
    {
        var number = (uint)CNumbers.Strtoul(day, 0, out var end);
        if (end == day.Length) return number != 0;
        return day.Length >= 2 && WeekDays.Any(w => w.AsSpan(0, 2).SequenceEqual(day.AsSpan(0, 2)));
    });

    private static readonly string[] WeekDays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    /// <summary>time_parse_monthdays: items split by ',' and cut to 2 characters, each a number (base 0) up to 31.</summary>
    public static bool IsMonthdays(string text) => Items(text, 2).All(day =>
        (uint)CNumbers.Strtoul(day, 0, out var end) <= 31 && end == day.Length);

    /// <summary>libxt_time's my_strseg: the items between commas, each copied into a buffer of <paramref name="keep"/> characters.</summary>
    private static IEnumerable<string> Items(string text, int keep)
    {
        var rest = text;
        while (rest.Length > 0)
        {
            var comma = rest.IndexOf(',');
            var item = comma < 0 ? rest : rest[..comma];
            yield return item.Length > keep ? item[..keep] : item;
            if (comma < 0) yield break;
            rest = rest[(comma + 1)..];
        }
    }
}
