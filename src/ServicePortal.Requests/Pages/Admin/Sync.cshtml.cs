using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Localization;
using ServicePortal.Core.Staff;

namespace ServicePortal.Requests.Pages.Admin;

/// <summary>
/// The administrator's view of the agency connections: for each agency, how far behind the status sync is,
/// whether its circuit is open and why, what is waiting to be sent, what is overdue, and the latest answers
/// the portal could not use. Staff with two factors and the administrator role only.
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy, Roles = StaffRoles.Administrator)]
internal sealed class SyncModel(NpgsqlDataSource dataSource, TimeProvider clock) : PageModel
{
    public sealed record AgencyRow(string Agency, DateTime? LastAttemptAt, DateTime? LastSuccessAt, string? LastError,
        int ConsecutiveFailures, DateTime? CircuitOpenUntil, long UpdatesApplied, long Queued, long Open, long Overdue);

    public sealed record ErrorRow(DateTime At, string Agency, string Source, string? AgencyReference, string Problem);

    public IReadOnlyList<AgencyRow> Agencies { get; private set; } = [];

    public IReadOnlyList<ErrorRow> Errors { get; private set; } = [];

    public DateTime Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        Agencies = [.. await connection.QueryAsync<AgencyRow>(new CommandDefinition(
            """
            WITH counts AS (
                SELECT agency,
                       count(*) FILTER (WHERE status = 'queued') AS queued,
                       count(*) FILTER (WHERE status IN ('submitted', 'in_review', 'action_required', 'awaiting_payment', 'approved')) AS open,
                       count(*) FILTER (WHERE due_at < now() AND status NOT IN ('rejected', 'completed', 'cancelled')) AS overdue
                FROM requests.requests GROUP BY agency)
            SELECT coalesce(s.agency, c.agency) AS Agency, s.last_attempt_at AS LastAttemptAt, s.last_success_at AS LastSuccessAt,
                   s.last_error AS LastError, coalesce(s.consecutive_failures, 0) AS ConsecutiveFailures,
                   s.circuit_open_until AS CircuitOpenUntil, coalesce(s.updates_applied, 0) AS UpdatesApplied,
                   coalesce(c.queued, 0) AS Queued, coalesce(c.open, 0) AS Open, coalesce(c.overdue, 0) AS Overdue
            FROM requests.agency_sync s FULL JOIN counts c ON c.agency = s.agency
            ORDER BY 1
            """, cancellationToken: cancellationToken))];
        Errors = [.. await connection.QueryAsync<ErrorRow>(new CommandDefinition(
            """
            SELECT at AS At, agency AS Agency, source AS Source, agency_reference AS AgencyReference, problem AS Problem
            FROM requests.agency_errors ORDER BY id DESC LIMIT 20
            """, cancellationToken: cancellationToken))];
    }

    /// <summary>How long since the agency last answered a whole pass: what "sync lag" means here.</summary>
    public string Lag(AgencyRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.LastSuccessAt is not { } success)
        {
            return Lang.T("Bado haijafanikiwa", "Not yet successful");
        }

        var lag = Now - success;
        return lag.TotalMinutes < 1
            ? Lang.T($"sekunde {(int)lag.TotalSeconds}", $"{(int)lag.TotalSeconds} s")
            : Lang.T($"dakika {(int)lag.TotalMinutes}", $"{(int)lag.TotalMinutes} min");
    }
}
