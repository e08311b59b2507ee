using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Localization;
using ServicePortal.Core.Staff;
using ServicePortal.Helpdesk.Sla;
using ServicePortal.Helpdesk.Staff;

namespace ServicePortal.Helpdesk.Pages.Staff;

/// <summary>
/// A queue as CSV (<c>POST /helpdesk/pakua</c>: a post, since it writes records). Every citizen with a ticket in the
/// file gets one access-log row (<c>export</c>, subject the queue), all in one transaction committed before the file is
/// sent: a file that left the portal is on record. Cells are CSV-injection safe (<see cref="Csv"/>).
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy, Roles = Roles)]
internal sealed class ExportModel(StaffTickets tickets, SlaClock clock, TimeProvider time, NpgsqlDataSource dataSource,
    IEnumerable<IStaffNames> names) : HelpdeskPage
{
    public const int MaxRows = 1000;

    public IActionResult OnGet() => Redirect("/helpdesk");

    public async Task<IActionResult> OnPostAsync(string? foleni, CancellationToken cancellationToken)
    {
        var queue = Queue.All.Contains(foleni) ? foleni! : Queue.Unassigned;
        var actor = Actor;
        var rows = await QueuesModel.LoadAsync(tickets, clock, time, names, queue, actor.AccountId, MaxRows, cancellationToken);
        var text = new StringBuilder();
        text.Append(Csv.Line("tiketi/ticket", "aina/category", "hali/status", "kipaumbele/priority", "ombi/application",
            "taasisi/agency", "ilifunguliwa/opened", "jibu_la_kwanza/first_response", "jibu_la_kwanza_kabla/first_response_due",
            "kutatuliwa/resolution", "kutatuliwa_kabla/resolution_due", "anayeshughulikia/assignee"));
        foreach (var row in rows)
        {
            var t = row.Ticket;
            text.Append(Csv.Line(t.Number, t.Category, t.Status, t.Priority, t.RequestReference, t.EscalatedAgency,
                EastAfricaTime.Iso(t.CreatedAt), row.FirstResponse.Kind, EastAfricaTime.Iso(row.FirstResponse.Due), row.Resolution.Kind,
                EastAfricaTime.Iso(row.Resolution.Due), row.Assignee));
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await AccessLog.RecordManyAsync(connection, transaction,
                [.. rows.Select(r => r.Ticket.AccountId).Distinct().Select(citizen => actor.Access(citizen, AccessAction.Export, "queue:" + queue))],
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"helpdesk-{queue}-{time.GetUtcNow().ToOffset(EastAfricaTime.Offset):yyyyMMdd-HHmm}.csv");
        return File(Csv.Bytes(text), "text/csv; charset=utf-8", name);
    }
}
