using System.ComponentModel.DataAnnotations;
using System.Globalization;
using ServicePortal.Helpdesk.Sla;

namespace ServicePortal.Helpdesk;

/// <summary>The helpdesk's settings (section <c>Helpdesk</c>), checked at start-up.</summary>
internal sealed class HelpdeskOptions
{
    /// <summary>Tickets one citizen may open in any 24 hours (more is someone's script, or a question better asked in a reply).</summary>
    [Range(1, 1000)]
    public int TicketsPerDay { get; set; } = 10;

    /// <summary>Replies one citizen may write in any 24 hours, over all their tickets.</summary>
    [Range(1, 10_000)]
    public int RepliesPerDay { get; set; } = 60;

    /// <summary>Finds one staff member may make in a minute (a person at a desk makes a few; more is a script).</summary>
    [Range(1, 1000)]
    public int LookupsPerMinute { get; set; } = 30;

    /// <summary>NIN lookups by one staff member in an hour from which supervisors see a flag on the queues page.</summary>
    [Range(1, 10_000)]
    public int NinLookupsFlagPerHour { get; set; } = 50;

    /// <summary>The working day in East Africa Time, <c>HH:mm</c> (the SLA clocks run only then).</summary>
    public string DayStart { get; set; } = "08:00";

    public string DayEnd { get; set; } = "17:00";

    /// <summary>Public holidays, <c>yyyy-MM-dd</c>; unset: Tanzania's of 2026 and 2027 (<see cref="WorkingHours.TanzaniaHolidays"/>).</summary>
    public string[]? Holidays { get; set; }

    /// <summary>Targets per ticket category in working hours; a category not named keeps its default (<see cref="SlaClock.DefaultTargets"/>).</summary>
    public Dictionary<string, SlaHours> Sla { get; set; } = [];

    public sealed class SlaHours
    {
        [Range(0.25, 2000)]
        public double FirstResponseHours { get; set; }

        [Range(0.25, 10_000)]
        public double ResolutionHours { get; set; }
    }

    /// <summary>The working hours and SLA clock these settings describe, or why they do not.</summary>
    public SlaClock? BuildClock(out string? problem)
    {
        problem = null;
        if (!TimeOnly.TryParseExact(DayStart, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start) ||
            !TimeOnly.TryParseExact(DayEnd, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) || end <= start)
        {
            problem = "Helpdesk:DayStart and Helpdesk:DayEnd are times HH:mm, the end after the start.";
            return null;
        }

        var holidays = new List<DateOnly>();
        foreach (var text in Holidays ?? [.. WorkingHours.TanzaniaHolidays])
        {
            if (!WorkingHours.TryParseDate(text, out var date))
            {
                problem = $"Helpdesk:Holidays has '{text}', which is not a date yyyy-MM-dd.";
                return null;
            }

            holidays.Add(date);
        }

        var targets = new Dictionary<string, SlaTargets>(SlaClock.DefaultTargets, StringComparer.Ordinal);
        foreach (var (category, hours) in Sla)
        {
            if (!Tickets.TicketCategory.IsKnown(category) || hours.FirstResponseHours <= 0 || hours.ResolutionHours < hours.FirstResponseHours)
            {
                problem = $"Helpdesk:Sla:{category} names a ticket category and gives FirstResponseHours > 0 and ResolutionHours >= FirstResponseHours.";
                return null;
            }

            targets[category] = new SlaTargets(TimeSpan.FromHours(hours.FirstResponseHours), TimeSpan.FromHours(hours.ResolutionHours));
        }

        return new SlaClock(new WorkingHours(start, end, WorkingHours.MondayToFriday, holidays), targets);
    }
}
