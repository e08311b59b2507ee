using System.Globalization;

namespace ServicePortal.Helpdesk.Sla;

/// <summary>
/// The helpdesk's working time: Monday to Friday (by default) from <see cref="DayStart"/> to <see cref="DayEnd"/> East
/// Africa Time, except public holidays. Pure: the SLA clocks of every queue are computed here, and tested alone.
/// East Africa Time has no daylight saving, so a fixed offset is exact.
/// </summary>
internal sealed class WorkingHours
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(3);

    // A bound on the walk through days: ten years of holidays and weekends cannot hide every working day.
    private const int MaxDays = 3660;

    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DayOfWeek> _days;

    public WorkingHours(TimeOnly dayStart, TimeOnly dayEnd, IEnumerable<DayOfWeek> days, IEnumerable<DateOnly> holidays)
    {
        if (dayEnd <= dayStart)
        {
            throw new ArgumentException("A working day ends after it starts.", nameof(dayEnd));
        }

        DayStart = dayStart;
        DayEnd = dayEnd;
        _days = [.. days];
        if (_days.Count == 0)
        {
            throw new ArgumentException("At least one day of the week is a working day.", nameof(days));
        }

        _holidays = [.. holidays];
    }

    public static IReadOnlyList<DayOfWeek> MondayToFriday { get; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public TimeOnly DayStart { get; }

    public TimeOnly DayEnd { get; }

    public bool IsWorkingDay(DateOnly date) => _days.Contains(date.DayOfWeek) && !_holidays.Contains(date);

    /// <summary>The moment <paramref name="duration"/> of working time after <paramref name="start"/> (a deadline).</summary>
    public DateTimeOffset Add(DateTimeOffset start, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var local = start.ToOffset(Offset);
        var left = duration;
        for (var day = 0; day < MaxDays; day++)
        {
            var date = DateOnly.FromDateTime(local.DateTime);
            var opens = At(date, DayStart);
            var closes = At(date, DayEnd);
            if (IsWorkingDay(date) && local < closes)
            {
                if (local < opens)
                {
                    local = opens;
                }

                var today = closes - local;
                if (left <= today)
                {
                    return local + left;
                }

                left -= today;
            }

            local = At(date.AddDays(1), DayStart);
        }

        throw new InvalidOperationException("No working day was found within ten years.");
    }

    /// <summary>The working time between two moments (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        var local = from.ToOffset(Offset);
        var end = to.ToOffset(Offset);
        for (var day = 0; day < MaxDays && local < end; day++)
        {
            var date = DateOnly.FromDateTime(local.DateTime);
            if (IsWorkingDay(date))
            {
                var opens = At(date, DayStart);
                var closes = At(date, DayEnd);
                var a = local > opens ? local : opens;
                var b = end < closes ? end : closes;
                if (b > a)
                {
                    total += b - a;
                }
            }

            local = At(date.AddDays(1), TimeOnly.MinValue);
        }

        return total;
    }

    private static DateTimeOffset At(DateOnly date, TimeOnly time) => new(date.ToDateTime(time), Offset);

    /// <summary>
    /// Tanzania's public holidays of 2026 and 2027. The Islamic ones (Eid al-Fitr, Eid al-Adha, Maulid) are the expected
    /// dates: they follow the moon and are announced days before, so configuration (<c>Helpdesk:Holidays</c>) replaces
    /// this list.
    /// </summary>
    public static IReadOnlyList<string> TanzaniaHolidays { get; } =
    [
        // 2026
        "2026-01-01", "2026-01-12", "2026-03-20", "2026-04-03", "2026-04-06", "2026-04-07", "2026-04-26", "2026-05-01",
        "2026-05-27", "2026-07-07", "2026-08-08", "2026-08-26", "2026-10-14", "2026-12-09", "2026-12-25", "2026-12-26",
        // 2027
        "2027-01-01", "2027-01-12", "2027-03-10", "2027-03-26", "2027-03-29", "2027-04-07", "2027-04-26", "2027-05-01",
        "2027-05-17", "2027-07-07", "2027-08-08", "2027-08-15", "2027-10-14", "2027-12-09", "2027-12-25", "2027-12-26",
    ];

    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
