using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Staff;
using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Officers;

/// <summary>
/// One application as its agency sees it in a list. Times are UTC. <see cref="PromisedDays"/> is the service's
/// processing time from the catalogue as it was when the citizen applied, or the configured default
/// (<see cref="RequestsOptions.DefaultProcessingDays"/>) when the catalogue gave none (<see cref="PromisedByCatalogue"/> false).
/// </summary>
internal sealed record AgencyApplication(
    string Reference,
    string ServiceCode,
    string Status,
    string? AgencyReference,
    DateTime CreatedAt,
    DateTime? SubmittedAt,
    DateTime LastStatusAt,
    int PromisedDays,
    bool PromisedByCatalogue,
    DateTime? ClosedAt)
{
    /// <summary>The clock starts when the agency received it (or, while still queued, when the citizen applied).</summary>
    public DateTime ClockStart => SubmittedAt ?? CreatedAt;

    public DateTime DueAt => ClockStart.AddDays(PromisedDays);

    /// <summary>Whole days since the clock started, up to now or to when it finished.</summary>
    public int DaysTaken(DateTime now) => (int)((ClosedAt ?? now) - ClockStart).TotalDays;

    /// <summary>Whole days since the status last changed.</summary>
    public int DaysSinceStatus(DateTime now) => (int)(now - LastStatusAt).TotalDays;

    /// <summary>Past its promised days: still open after the due time, or finished after it.</summary>
    public bool Late(DateTime now) => (ClosedAt ?? now) > DueAt;
}

/// <summary>An application opened by its agency: the row, what the citizen sent, the agency's words and the timeline.</summary>
internal sealed record AgencyApplicationDetail(AgencyApplication Application, string Agency, string Answers, string? MessageSw,
    string? MessageEn, string? PaymentControlNumber, long? AmountTzs, IReadOnlyList<TimelineEvent> Timeline);

/// <summary>An answer from the agency the portal could not use (as the administrator's sync page lists them).</summary>
internal sealed record AgencyErrorRow(DateTime At, string Agency, string Source, string? AgencyReference, string Problem, string? Excerpt);

/// <summary>A service's ratings: how many and the average score.</summary>
internal sealed record ServiceRating(string Agency, string ServiceCode, int Count, decimal Average);

/// <summary>
/// The agency officer's reads of <c>requests.requests</c>, always limited to the officer's agencies. Opening one
/// application is a staff read of a citizen's data: it is recorded in the access log in the same transaction as the read.
/// </summary>
internal sealed class AgencyApplications(NpgsqlDataSource dataSource, IOptions<RequestsOptions> options)
{
    private const string RowColumns =
        """
        r.reference AS Reference, r.service_code AS ServiceCode, r.status AS Status, r.agency_reference AS AgencyReference,
        r.created_at AS CreatedAt, r.submitted_at AS SubmittedAt,
        coalesce((SELECT max(e.at) FROM requests.events e WHERE e.request_id = r.id AND e.status_to IS NOT NULL), r.created_at) AS LastStatusAt,
        coalesce(r.processing_days, @defaultDays) AS PromisedDays, r.processing_days IS NOT NULL AS PromisedByCatalogue,
        r.closed_at AS ClosedAt
        """;

    private const string Where =
        """
        r.agency = ANY(@agencies)
        AND (@status::text IS NULL OR r.status = @status)
        AND (@service::text IS NULL OR r.service_code = @service)
        AND (@fromUtc::timestamptz IS NULL OR r.created_at >= @fromUtc)
        AND (@toUtc::timestamptz IS NULL OR r.created_at < @toUtc)
        AND (@query::text IS NULL OR strpos(r.reference, upper(@query)) > 0 OR strpos(upper(r.agency_reference), upper(@query)) > 0)
        AND (NOT @lateOnly OR coalesce(r.closed_at, now()) > coalesce(r.submitted_at, r.created_at) + make_interval(days => coalesce(r.processing_days, @defaultDays)))
        """;

    public int DefaultDays => options.Value.DefaultProcessingDays;

    /// <summary>
    /// One page of the agencies' applications matching the filter, newest first, and the page (a page number that is
    /// not one, or past the end, gives the nearest page: <see cref="ListPage.Of"/>).
    /// </summary>
    public async Task<(IReadOnlyList<AgencyApplication> Items, ListPage Page)> ListAsync(IReadOnlyCollection<string> agencies,
        AgencyApplicationFilter filter, string? pageNumber, int pageSize, CancellationToken cancellationToken)
    {
        var parameters = Parameters(agencies, filter);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT count(*)::int FROM requests.requests r WHERE {Where}", parameters, cancellationToken: cancellationToken));
        var page = ListPage.Of(pageNumber, pageSize, total);
        parameters.Add("skip", page.Skip);
        parameters.Add("take", pageSize);
        var items = await connection.QueryAsync<AgencyApplication>(new CommandDefinition(
            $"SELECT {RowColumns} FROM requests.requests r WHERE {Where} ORDER BY r.created_at DESC, r.id DESC OFFSET @skip LIMIT @take",
            parameters, cancellationToken: cancellationToken));
        return ([.. items], page);
    }

    /// <summary>The service codes the agencies have applications for (the service filter's choices).</summary>
    public async Task<IReadOnlyList<string>> ListServiceCodesAsync(IReadOnlyCollection<string> agencies, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT service_code FROM requests.requests WHERE agency = ANY(@agencies) ORDER BY 1",
            new { agencies = agencies.ToArray() }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Opens one application of the agencies and records the access (who, with which role claim, the reference) in
    /// the same transaction; null, and nothing recorded, when it is not one of theirs.
    /// </summary>
    /// <param name="roleOf">The role claim (or, for an agency's system, the client's name for the log) of an agency.</param>
    public async Task<AgencyApplicationDetail?> OpenAsync(IReadOnlyCollection<string> agencies, string reference, Guid staffAccountId,
        Func<string, string> roleOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roleOf);
        if (!PortalReference.TryParse(reference, out var parsed))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var found = await connection.QuerySingleOrDefaultAsync<Found>(new CommandDefinition(
            $"""
            SELECT r.id AS Id, r.account_id AS AccountId, r.agency AS Agency, r.answers::text AS Answers, r.message_sw AS MessageSw,
                   r.message_en AS MessageEn, r.payment_control_number AS PaymentControlNumber, r.amount_tzs AS AmountTzs, {RowColumns}
            FROM requests.requests r WHERE r.reference = @reference AND r.agency = ANY(@agencies)
            """, new { reference = parsed.Value.Value, agencies = agencies.ToArray(), defaultDays = DefaultDays }, transaction,
            cancellationToken: cancellationToken));
        if (found is null)
        {
            return null;
        }

        var timeline = await connection.QueryAsync<TimelineEvent>(new CommandDefinition(
            """
            SELECT at AS At, kind AS Kind, source AS Source, status_from AS StatusFrom, status_to AS StatusTo,
                   message_sw AS MessageSw, message_en AS MessageEn
            FROM requests.events WHERE request_id = @id AND kind IN ('created', 'submitted', 'status')
            ORDER BY id
            """, new { id = found.Id }, transaction, cancellationToken: cancellationToken));
        await AccessLog.RecordAsync(connection, transaction,
            new AccessLogEntry(found.AccountId, staffAccountId, roleOf(found.Agency), AccessAction.Request, found.Reference),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var application = new AgencyApplication(found.Reference, found.ServiceCode, found.Status, found.AgencyReference, found.CreatedAt,
            found.SubmittedAt, found.LastStatusAt, found.PromisedDays, found.PromisedByCatalogue, found.ClosedAt);
        return new AgencyApplicationDetail(application, found.Agency, found.Answers, found.MessageSw, found.MessageEn,
            found.PaymentControlNumber, found.AmountTzs, [.. timeline]);
    }

    /// <summary>The answers of these agencies the portal could not use, newest first (what the sync page lists for all).</summary>
    public async Task<(IReadOnlyList<AgencyErrorRow> Items, ListPage Page)> ListErrorsAsync(IReadOnlyCollection<string> agencies,
        string? pageNumber, int pageSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var codes = agencies.ToArray();
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM requests.agency_errors WHERE agency = ANY(@codes)", new { codes }, cancellationToken: cancellationToken));
        var page = ListPage.Of(pageNumber, pageSize, total);
        var items = await connection.QueryAsync<AgencyErrorRow>(new CommandDefinition(
            """
            SELECT at AS At, agency AS Agency, source AS Source, agency_reference AS AgencyReference, problem AS Problem, excerpt AS Excerpt
            FROM requests.agency_errors WHERE agency = ANY(@codes)
            ORDER BY id DESC OFFSET @skip LIMIT @take
            """, new { codes, skip = page.Skip, take = pageSize }, cancellationToken: cancellationToken));
        return ([.. items], page);
    }

    // An anonymous object keeps each value's type, so a null date is still a typed null for PostgreSQL.
    private DynamicParameters Parameters(IReadOnlyCollection<string> agencies, AgencyApplicationFilter filter) => new(new
    {
        agencies = agencies.ToArray(),
        status = filter.Status,
        service = filter.Service,
        fromUtc = filter.FromUtc,
        toUtc = filter.ToUtcExclusive,
        query = filter.Query,
        lateOnly = filter.LateOnly,
        defaultDays = DefaultDays,
    });

    private sealed record Found(long Id, Guid AccountId, string Agency, string Answers, string? MessageSw, string? MessageEn,
        string? PaymentControlNumber, long? AmountTzs, string Reference, string ServiceCode, string Status, string? AgencyReference,
        DateTime CreatedAt, DateTime? SubmittedAt, DateTime LastStatusAt, int PromisedDays, bool PromisedByCatalogue, DateTime? ClosedAt);
}
