using ServicePortal.Helpdesk.Tickets;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Sla;

/// <summary>A ticket's two clocks, in working time from when it was opened: the first staff reply, and resolving it.</summary>
internal sealed record SlaTargets(TimeSpan FirstResponse, TimeSpan Resolution);

/// <summary>Where one clock stands: met (stopped in time), due (running, before its deadline) or breached.</summary>
internal sealed record SlaState(string Kind, DateTimeOffset Due, DateTimeOffset? StoppedAt)
{
    public const string Met = "met";
    public const string Running = "due";
    public const string Breached = "breached";

    public bool IsBreached => Kind == Breached;

    public string Describe() => Kind switch
    {
        Met => T("Imetimizwa", "Met"),
        Breached => T("Imepita muda", "Breached"),
        _ => T("Inadaiwa", "Due"),
    };

    public string Tone => Kind switch { Met => "done", Breached => "action", _ => "progress" };
}

/// <summary>
/// The SLA clocks of a ticket (pure: given the working hours, the targets and the moments). The first-response clock
/// stops at the first public staff reply (an agency's answer counts); the resolution clock when the ticket is resolved
/// or closed. A ticket resolved and reopened keeps its first resolved moment: the clock measured the first answer.
/// </summary>
internal sealed class SlaClock(WorkingHours hours, IReadOnlyDictionary<string, SlaTargets> targets)
{
    public static IReadOnlyDictionary<string, SlaTargets> DefaultTargets { get; } = new Dictionary<string, SlaTargets>(StringComparer.Ordinal)
    {
        [TicketCategory.Account] = new(TimeSpan.FromHours(4), TimeSpan.FromHours(18)),
        [TicketCategory.Payment] = new(TimeSpan.FromHours(4), TimeSpan.FromHours(27)),
        [TicketCategory.Application] = new(TimeSpan.FromHours(9), TimeSpan.FromHours(45)),
        [TicketCategory.Complaint] = new(TimeSpan.FromHours(9), TimeSpan.FromHours(90)),
        [TicketCategory.Other] = new(TimeSpan.FromHours(18), TimeSpan.FromHours(45)),
    };

    public WorkingHours Hours => hours;

    public SlaTargets TargetsFor(string category) =>
        targets.TryGetValue(category, out var t) ? t : targets.TryGetValue(TicketCategory.Other, out var other) ? other : DefaultTargets[TicketCategory.Other];

    public SlaState FirstResponse(string category, DateTimeOffset openedAt, DateTimeOffset? respondedAt, DateTimeOffset now) =>
        State(hours.Add(openedAt, TargetsFor(category).FirstResponse), respondedAt, now);

    public SlaState Resolution(string category, DateTimeOffset openedAt, DateTimeOffset? resolvedAt, DateTimeOffset now) =>
        State(hours.Add(openedAt, TargetsFor(category).Resolution), resolvedAt, now);

    private static SlaState State(DateTimeOffset due, DateTimeOffset? stoppedAt, DateTimeOffset now) => stoppedAt switch
    {
        { } at when at <= due => new SlaState(SlaState.Met, due, at),
        { } at => new SlaState(SlaState.Breached, due, at),
        null when now > due => new SlaState(SlaState.Breached, due, null),
        _ => new SlaState(SlaState.Running, due, null),
    };
}
