using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;
using ServicePortal.Catalog.Browse;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Localization;
using ServicePortal.Core.Staff;
using ServicePortal.Requests.Sync;

namespace ServicePortal.Requests.Pages.Admin;

/// <summary>
/// The administrator's view of the agency connections: for each agency, how far behind the status sync is,
/// whether its circuit is open and why, what is waiting to be sent, what is overdue, and the latest answers
/// the portal could not use. Staff with two factors and the administrator role only.
/// Both lists are paged and follow one search (an agency's code, short name or name), troubled agencies first; the
/// portal's words about a problem are in the reader's language, the agency's own text quoted apart
/// (<see cref="AgencyProblemWording"/>); times in East Africa Time.
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy, Roles = StaffRoles.Administrator)]
internal sealed class SyncModel(NpgsqlDataSource dataSource, CatalogReader catalog, TimeProvider clock) : PageModel
{
    public const int AgencyPageSize = 25;
    public const int ErrorPageSize = 20;

    public sealed record AgencyRow(string Agency, DateTime? LastAttemptAt, DateTime? LastSuccessAt, string? LastError,
        int ConsecutiveFailures, DateTime? CircuitOpenUntil, long UpdatesApplied, long Queued, long Open, long Overdue)
    {
        /// <summary>The agency's short name and name where the catalogue knows it.</summary>
        public string? Name { get; init; }
    }

    public sealed record ErrorRow(DateTime At, string Agency, string Source, string? AgencyReference, string Problem, string? Excerpt);

    public IReadOnlyList<AgencyRow> Agencies { get; private set; } = [];

    public IReadOnlyList<ErrorRow> Errors { get; private set; } = [];

    /// <summary>The words searched for, or null for every agency.</summary>
    public string? Query { get; private set; }

    public ListPage AgencyPage { get; private set; } = ListPage.Of(null, AgencyPageSize, 0);

    public ListPage ErrorPage { get; private set; } = ListPage.Of(null, ErrorPageSize, 0);

    public DateTime Now { get; private set; }

    public async Task OnGetAsync(string? q, [FromQuery(Name = "page")] string? pageNumber, string? errors, CancellationToken cancellationToken)
    {
        Now = clock.GetUtcNow().UtcDateTime;
        Query = ListPage.Query(q);
        // Names from the catalogue, whatever the agency's status (a suspended agency is the one to watch).
        var named = (await catalog.ListAgencyNamesAsync(cancellationToken))
            .ToDictionary(a => a.Code, a => a, StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var all = (await connection.QueryAsync<AgencyRow>(new CommandDefinition(
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
            ORDER BY (s.circuit_open_until > now()) IS TRUE DESC, coalesce(s.consecutive_failures, 0) DESC, 1
            """, cancellationToken: cancellationToken)))
            .Select(row => named.TryGetValue(row.Agency, out var a) ? row with { Name = $"{a.ShortName} · {Lang.T(a.NameSw, a.NameEn)}" } : row)
            .ToList();
        var found = Query is null
            ? all
            : [.. all.Where(r => r.Agency.Contains(Query, StringComparison.OrdinalIgnoreCase) ||
                                 (named.TryGetValue(r.Agency, out var a) &&
                                  new[] { a.ShortName, a.NameSw, a.NameEn }.Any(t => t.Contains(Query, StringComparison.OrdinalIgnoreCase))))];
        AgencyPage = ListPage.Of(pageNumber, AgencyPageSize, found.Count);
        Agencies = [.. found.Skip(AgencyPage.Skip).Take(AgencyPageSize)];

        // The answers the portal could not use, of the agencies searched for (all when no search), newest first.
        var codes = Query is null ? null : found.Select(r => r.Agency).ToArray();
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM requests.agency_errors WHERE @codes::text[] IS NULL OR agency = ANY(@codes)",
            new { codes }, cancellationToken: cancellationToken));
        ErrorPage = ListPage.Of(errors, ErrorPageSize, total);
        Errors = [.. await connection.QueryAsync<ErrorRow>(new CommandDefinition(
            """
            SELECT at AS At, agency AS Agency, source AS Source, agency_reference AS AgencyReference, problem AS Problem, excerpt AS Excerpt
            FROM requests.agency_errors
            WHERE @codes::text[] IS NULL OR agency = ANY(@codes)
            ORDER BY id DESC OFFSET @skip LIMIT @size
            """, new { codes, skip = ErrorPage.Skip, size = ErrorPageSize }, cancellationToken: cancellationToken))];
    }

    /// <summary>The address of another page of one list, keeping the search and the other list's page.</summary>
    public string Href(int? agencyPage = null, int? errorPage = null)
    {
        var query = new QueryBuilder();
        if (Query is not null)
        {
            query.Add("q", Query);
        }

        var agencies = agencyPage ?? AgencyPage.Number;
        if (agencies > 1)
        {
            query.Add("page", agencies.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var errors = errorPage ?? ErrorPage.Number;
        if (errors > 1)
        {
            query.Add("errors", errors.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return "/admin/requests/sync" + query.ToQueryString();
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

    /// <summary>Where an unusable answer came from, in words.</summary>
    public static string Source(string source) => source switch
    {
        "push" => Lang.T("taasisi ilituma hali (push)", "the agency pushed a status"),
        "pull" => Lang.T("lango liliuliza hali (pull)", "the portal asked for statuses"),
        "submit" => Lang.T("kutuma ombi", "sending an application"),
        _ => source,
    };
}
