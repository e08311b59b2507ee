using ServicePortal.Helpdesk.Sla;
using ServicePortal.Helpdesk.Tickets;

namespace ServicePortal.Helpdesk.Tests.Sla;

/// <summary>The SLA clocks' working time: Monday to Friday 08:00–17:00 East Africa Time, Tanzanian holidays off.</summary>
public sealed class WorkingHoursTests
{
    private static readonly WorkingHours Hours = new(new TimeOnly(8, 0), new TimeOnly(17, 0), WorkingHours.MondayToFriday,
        WorkingHours.TanzaniaHolidays.Select(h => DateOnly.ParseExact(h, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));

    private static DateTimeOffset Eat(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(3));

    [Fact]
    public void A_weekend_does_not_count()
    {
        // Friday 11 December 16:00 + 4 h: one hour on Friday, three on Monday 14 December.
        Assert.Equal(Eat(12, 14, 11), Hours.Add(Eat(12, 11, 16), TimeSpan.FromHours(4)));
        Assert.Equal(TimeSpan.FromHours(4), Hours.Between(Eat(12, 11, 16), Eat(12, 14, 11)));
    }

    [Fact]
    public void A_public_holiday_does_not_count()
    {
        // Tuesday 8 December 16:00 + 2 h: Wednesday 9 December is Independence Day, so Thursday 09:00.
        Assert.Equal(Eat(12, 10, 9), Hours.Add(Eat(12, 8, 16), TimeSpan.FromHours(2)));
        Assert.False(Hours.IsWorkingDay(new DateOnly(2026, 12, 9)));
        Assert.False(Hours.IsWorkingDay(new DateOnly(2026, 12, 25)));
        Assert.True(Hours.IsWorkingDay(new DateOnly(2026, 12, 10)));
    }

    [Fact]
    public void A_ticket_opened_after_hours_starts_its_clock_the_next_working_morning()
    {
        Assert.Equal(Eat(12, 8, 9), Hours.Add(Eat(12, 7, 20), TimeSpan.FromHours(1)));   // Monday evening
        Assert.Equal(Eat(12, 7, 9), Hours.Add(Eat(12, 7, 6), TimeSpan.FromHours(1)));    // Monday before opening
        Assert.Equal(Eat(12, 14, 8, 30), Hours.Add(Eat(12, 12, 10), TimeSpan.FromMinutes(30))); // Saturday
        Assert.Equal(TimeSpan.Zero, Hours.Between(Eat(12, 12, 8), Eat(12, 13, 23)));
    }

    [Fact]
    public void Times_in_another_offset_are_read_in_East_Africa_Time()
    {
        // 13:30 UTC is 16:30 EAT: half an hour left on Friday, then Monday.
        var utc = new DateTimeOffset(2026, 12, 11, 13, 30, 0, TimeSpan.Zero);
        Assert.Equal(Eat(12, 14, 8, 30), Hours.Add(utc, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Adding_then_measuring_gives_back_the_same_working_time()
    {
        // A property over many starts and durations (a fixed seed: the same cases every run).
        var random = new Random(20261208);
        for (var i = 0; i < 2000; i++)
        {
            var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 2 * 365 * 24 * 60));
            var duration = TimeSpan.FromMinutes(random.Next(0, 200 * 60));
            var due = Hours.Add(start, duration);
            Assert.True(due >= start);
            Assert.Equal(duration, Hours.Between(start, due));
        }
    }

    [Fact]
    public void The_clock_says_due_met_or_breached()
    {
        var clock = new SlaClock(Hours, SlaClock.DefaultTargets);
        var opened = Eat(12, 7, 9); // Monday 09:00; an account question is answered within 4 working hours: 13:00
        Assert.Equal(SlaState.Running, clock.FirstResponse(TicketCategory.Account, opened, null, Eat(12, 7, 12)).Kind);
        Assert.Equal(Eat(12, 7, 13), clock.FirstResponse(TicketCategory.Account, opened, null, Eat(12, 7, 12)).Due);
        Assert.Equal(SlaState.Breached, clock.FirstResponse(TicketCategory.Account, opened, null, Eat(12, 7, 14)).Kind);
        Assert.Equal(SlaState.Met, clock.FirstResponse(TicketCategory.Account, opened, Eat(12, 7, 10), Eat(12, 8, 14)).Kind);
        Assert.Equal(SlaState.Breached, clock.FirstResponse(TicketCategory.Account, opened, Eat(12, 7, 15), Eat(12, 7, 15)).Kind);
    }

    [Fact]
    public void Settings_that_make_no_sense_stop_the_start()
    {
        Assert.Null(new HelpdeskOptions { DayStart = "17:00", DayEnd = "08:00" }.BuildClock(out var backwards));
        Assert.NotNull(backwards);
        Assert.Null(new HelpdeskOptions { Holidays = ["9 Desemba"] }.BuildClock(out var holiday));
        Assert.Contains("9 Desemba", holiday, StringComparison.Ordinal);
        Assert.Null(new HelpdeskOptions { Sla = { ["unknown"] = new() { FirstResponseHours = 1, ResolutionHours = 2 } } }.BuildClock(out _));
        Assert.NotNull(new HelpdeskOptions { Holidays = [], Sla = { ["payment"] = new() { FirstResponseHours = 2, ResolutionHours = 8 } } }.BuildClock(out _));
    }
}
