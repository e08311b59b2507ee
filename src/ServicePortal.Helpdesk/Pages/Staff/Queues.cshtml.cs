using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Staff;
using ServicePortal.Helpdesk.Sla;
using ServicePortal.Helpdesk.Staff;

namespace ServicePortal.Helpdesk.Pages.Staff;

/// <summary>
/// The helpdesk's queues (<c>/helpdesk</c>): unassigned, mine, breaching the SLA, escalated to an agency; counts by
/// status and agency; for supervisors, staff whose NIN lookups in the last hour are unusually many. A queue lists
/// tickets (number, category, status, clocks), not citizens' data, so showing it writes no access-log row; its CSV
/// export does (<see cref="ExportModel"/>).
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy, Roles = Roles)]
internal sealed class QueuesModel(StaffTickets tickets, SlaClock clock, TimeProvider time, NpgsqlDataSource dataSource,
    IEnumerable<IStaffNames> names, IOptions<HelpdeskOptions> options) : HelpdeskPage
{
    public const int PageSize = 100;

    public string Selected { get; private set; } = Queue.Unassigned;

    public IReadOnlyList<QueueRow> Rows { get; private set; } = [];

    public IReadOnlyList<(string Status, long Count)> ByStatus { get; private set; } = [];

    public IReadOnlyList<(string Agency, long Count)> ByAgency { get; private set; } = [];

    /// <summary>Staff with unusually many NIN lookups in the last hour (supervisors only).</summary>
    public IReadOnlyList<(string Name, int Count)> Flags { get; private set; } = [];

    public int FlagThreshold => options.Value.NinLookupsFlagPerHour;

    public async Task OnGetAsync(string? foleni, CancellationToken cancellationToken)
    {
        Selected = Queue.All.Contains(foleni) ? foleni! : Queue.Unassigned;
        Rows = await LoadAsync(tickets, clock, time, names, Selected, Actor.AccountId, PageSize, cancellationToken);
        (ByStatus, ByAgency) = await tickets.CountsAsync(cancellationToken);
        if (IsSupervisor)
        {
            var heavy = await AccessLogVolume.ListAtLeastAsync(dataSource, AccessAction.Lookup, withReasonOnly: true,
                time.GetUtcNow().AddHours(-1), options.Value.NinLookupsFlagPerHour, cancellationToken);
            var named = await Actors.DescribeManyAsync(names, heavy.Select(h => Actors.StaffPrefix + h.StaffAccountId), null, cancellationToken);
            Flags = [.. heavy.Select(h => (named[Actors.StaffPrefix + h.StaffAccountId], h.Count))];
        }
    }

    /// <summary>A queue's rows with their clocks and assignees' names (the page and its CSV).</summary>
    public static async Task<IReadOnlyList<QueueRow>> LoadAsync(StaffTickets tickets, SlaClock clock, TimeProvider time,
        IEnumerable<IStaffNames> names, string queue, Guid staffAccountId, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var found = await tickets.ListQueueAsync(queue, staffAccountId, limit, cancellationToken);
        var assignees = found.Where(t => t.AssigneeAccountId is not null).Select(t => Actors.StaffPrefix + t.AssigneeAccountId).ToList();
        var named = await Actors.DescribeManyAsync(names, assignees, null, cancellationToken);
        var rows = found.Select(t => QueueRow.Of(t, clock, now,
            t.AssigneeAccountId is { } a ? named.GetValueOrDefault(Actors.StaffPrefix + a) : null));
        return [.. (queue == Queue.Breaching ? rows.Where(r => r.Breaching) : rows).Take(limit)];
    }
}
