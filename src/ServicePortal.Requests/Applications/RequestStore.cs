using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using ServicePortal.Core.Identity;
using ServicePortal.Requests.Agencies;

namespace ServicePortal.Requests.Applications;

/// <summary>A new application, as the apply page or the citizen API hands it over (already validated).</summary>
internal sealed record NewRequest(
    Guid AccountId,
    string ServiceCode,
    string Agency,
    JsonObject Answers,
    string IdempotencyKey,
    string Language,
    string Acr,
    IReadOnlyList<string> Amr,
    int? ProcessingDays,
    string SubmitPath,
    string StatusPath);

/// <summary>A request as the citizen sees it. Times are UTC.</summary>
internal sealed record RequestView(
    long Id,
    string Reference,
    string ServiceCode,
    string Agency,
    string Status,
    string? AgencyReference,
    string? MessageSw,
    string? MessageEn,
    string? PaymentControlNumber,
    long? AmountTzs,
    string? Correction,
    string Answers,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? DueAt,
    DateTime? ClosedAt)
{
    /// <summary>Past its due date and not finished.</summary>
    public bool Overdue(DateTimeOffset now) => DueAt is { } due && due < now.UtcDateTime && !RequestStatus.IsFinal(Status);
}

/// <summary>Times are UTC (timestamptz as Npgsql reads it).</summary>
internal sealed record TimelineEvent(
    DateTime At, string Kind, string Source, string? StatusFrom, string? StatusTo, string? MessageSw, string? MessageEn);

/// <summary>
/// Every read and write of <c>requests.requests</c> and its timeline (<c>requests.events</c>): no other code writes
/// them (the submission job and the status updates decide; the statements are here). Creating a request is idempotent per
/// citizen and key (a double click, a retried API call: one request) and writes the request, its first event
/// and the wake-up of the submitter in one transaction: the row itself is the outbox of the submission.
/// </summary>
internal sealed class RequestStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>NOTIFY channel: a request was queued, the submitter should look now rather than at its next tick.</summary>
    public const string QueuedChannel = "requests_queued";

    private const string ViewColumns =
        """
        id AS Id, reference AS Reference, service_code AS ServiceCode, agency AS Agency, status AS Status,
        agency_reference AS AgencyReference, message_sw AS MessageSw, message_en AS MessageEn,
        payment_control_number AS PaymentControlNumber, amount_tzs AS AmountTzs, correction::text AS Correction,
        answers::text AS Answers, created_at AS CreatedAt, updated_at AS UpdatedAt, due_at AS DueAt, closed_at AS ClosedAt
        """;

    /// <summary>Creates the request, or returns the one this citizen already made with this key (Created false).</summary>
    public async Task<(RequestView Request, bool Created)> CreateAsync(NewRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    """
                    INSERT INTO requests.requests (reference, account_id, service_code, agency, answers, status, idempotency_key,
                                                   language, acr, amr, processing_days, submit_path, status_path, next_attempt_at)
                    VALUES (@reference, @accountId, @serviceCode, @agency, @answers::jsonb, 'queued', @idempotencyKey,
                            @language, @acr, @amr, @processingDays, @submitPath, @statusPath, now())
                    ON CONFLICT (account_id, idempotency_key) DO NOTHING
                    RETURNING id
                    """,
                    new
                    {
                        reference = PortalReference.New().Value, request.AccountId, request.ServiceCode, request.Agency,
                        answers = request.Answers.ToJsonString(), request.IdempotencyKey, request.Language, request.Acr,
                        amr = request.Amr.ToArray(), request.ProcessingDays, request.SubmitPath, request.StatusPath,
                    }, transaction, cancellationToken: cancellationToken));
                if (id is null)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    var existing = await connection.QuerySingleAsync<RequestView>(new CommandDefinition(
                        $"SELECT {ViewColumns} FROM requests.requests WHERE account_id = @accountId AND idempotency_key = @key",
                        new { request.AccountId, key = request.IdempotencyKey }, cancellationToken: cancellationToken));
                    return (existing, false);
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO requests.events (request_id, kind, source, status_to) VALUES (@id, 'created', 'citizen', 'queued');
                    SELECT pg_notify(@channel, @id::text);
                    """, new { id, channel = QueuedChannel }, transaction, cancellationToken: cancellationToken));
                var view = await connection.QuerySingleAsync<RequestView>(new CommandDefinition(
                    $"SELECT {ViewColumns} FROM requests.requests WHERE id = @id", new { id }, transaction,
                    cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                return (view, true);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation &&
                                              e.ConstraintName == "requests_reference_key" && attempt < 3)
            {
                // 2⁴⁰ references: a collision is rare; draw another.
            }
        }
    }

    /// <summary>The citizen's own request by reference; null for anyone else's (404, not 403).</summary>
    public async Task<RequestView?> FindAsync(Guid accountId, string reference, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RequestView>(new CommandDefinition(
            $"SELECT {ViewColumns} FROM requests.requests WHERE account_id = @accountId AND reference = @reference",
            new { accountId, reference }, cancellationToken: cancellationToken));
    }

    public async Task<(IReadOnlyList<RequestView> Items, long Total)> ListAsync(Guid accountId, string? status, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var items = await connection.QueryAsync<RequestView>(new CommandDefinition(
            $"""
            SELECT {ViewColumns} FROM requests.requests
            WHERE account_id = @accountId AND (@status::text IS NULL OR status = @status)
            ORDER BY created_at DESC, id DESC
            LIMIT @pageSize OFFSET @offset
            """, new { accountId, status, pageSize, offset = (page - 1) * pageSize }, cancellationToken: cancellationToken));
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM requests.requests WHERE account_id = @accountId AND (@status::text IS NULL OR status = @status)",
            new { accountId, status }, cancellationToken: cancellationToken));
        return ([.. items], total);
    }

    public async Task<IReadOnlyList<TimelineEvent>> ListTimelineAsync(long requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var events = await connection.QueryAsync<TimelineEvent>(new CommandDefinition(
            """
            SELECT at AS At, kind AS Kind, source AS Source, status_from AS StatusFrom, status_to AS StatusTo,
                   message_sw AS MessageSw, message_en AS MessageEn
            FROM requests.events WHERE request_id = @requestId AND kind IN ('created', 'submitted', 'status')
            ORDER BY id
            """, new { requestId }, cancellationToken: cancellationToken));
        return [.. events];
    }

    internal DateTimeOffset Now => clock.GetUtcNow();

    // ---- The submission (SubmissionJob decides; the writes are here, with every other write of these tables) ----

    /// <summary>
    /// Claims up to <paramref name="size"/> queued requests that are due, for <paramref name="lease"/>
    /// (<c>FOR UPDATE SKIP LOCKED</c>: nodes share the work and none is sent twice at once).
    /// </summary>
    internal async Task<IReadOnlyList<OutgoingRequest>> ClaimQueuedAsync(TimeSpan lease, int size, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutgoingRequest>(new CommandDefinition(
            """
            UPDATE requests.requests r SET next_attempt_at = now() + @lease
            WHERE r.id IN (SELECT id FROM requests.requests
                           WHERE status = 'queued' AND next_attempt_at <= now()
                           ORDER BY next_attempt_at LIMIT @size FOR UPDATE SKIP LOCKED)
            RETURNING r.id AS Id, r.reference AS Reference, r.account_id AS AccountId, r.agency AS Agency,
                      r.service_code AS ServiceCode, r.answers::text AS Answers, r.acr AS Acr, r.amr AS Amr,
                      r.submit_path AS SubmitPath, r.submit_attempts AS SubmitAttempts, r.processing_days AS ProcessingDays
            """, new { lease, size }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>
    /// The agency took a queued request: status <c>submitted</c> with its reference (and, when its first answer only
    /// says "received", that answer's words and version), the <c>submitted</c> event and the citizen's notice, in
    /// one transaction. False when it was no longer queued (cancelled meanwhile, or another node recorded it).
    /// </summary>
    internal async Task<bool> RecordSubmittedAsync(OutgoingRequest request, AgencyStatusItem item, bool received,
        CitizenContact? contact, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var moved = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE requests.requests
            SET status = 'submitted', agency_reference = @agencyReference, submitted_at = now(), updated_at = now(),
                agency_status = CASE WHEN @received THEN @agencyStatus END,
                agency_version = CASE WHEN @received THEN @version END,
                agency_updated_at = CASE WHEN @received THEN @updatedAt END,
                message_sw = CASE WHEN @received THEN @messageSw END,
                message_en = CASE WHEN @received THEN @messageEn END,
                due_at = CASE WHEN processing_days IS NULL THEN NULL ELSE now() + make_interval(days => processing_days) END,
                next_attempt_at = NULL, last_error = NULL, submit_attempts = submit_attempts + 1
            WHERE id = @id AND status = 'queued'
            """, new
            {
                request.Id, agencyReference = item.AgencyReference, received, agencyStatus = item.Status, version = item.Version,
                updatedAt = item.UpdatedAt.UtcDateTime, messageSw = item.MessageSw, messageEn = item.MessageEn,
            }, transaction, cancellationToken: cancellationToken));
        if (moved == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO requests.events (request_id, kind, source, status_from, status_to, agency_status, agency_version, message_sw, message_en)
            VALUES (@id, 'submitted', 'portal', 'queued', 'submitted', @agencyStatus, @version, @messageSw, @messageEn)
            """, new
            {
                request.Id, agencyStatus = received ? item.Status : null, version = received ? item.Version : (int?)null,
                messageSw = received ? item.MessageSw : null, messageEn = received ? item.MessageEn : null,
            }, transaction, cancellationToken: cancellationToken));
        if (contact is not null)
        {
            await Notices.EnqueueAsync(connection, transaction, contact, request.Reference, RequestStatus.Submitted, null, null,
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The agency refused a queued request for good: status <c>rejected</c> with the portal's words, the event and the
    /// citizen's notice, in one transaction. False when it was no longer queued.
    /// </summary>
    internal async Task<bool> RecordRefusedAsync(OutgoingRequest request, string problem, CitizenContact? contact,
        CancellationToken cancellationToken)
    {
        const string sw = "Taasisi imekataa ombi hili. Wasiliana na dawati la msaada kwa maelezo.";
        const string en = "The agency refused this application. Contact the helpdesk for details.";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var moved = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE requests.requests
            SET status = 'rejected', closed_at = now(), updated_at = now(), next_attempt_at = NULL, last_error = @problem,
                message_sw = @sw, message_en = @en, submit_attempts = submit_attempts + 1
            WHERE id = @id AND status = 'queued'
            """, new { request.Id, problem, sw, en }, transaction, cancellationToken: cancellationToken));
        if (moved == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO requests.events (request_id, kind, source, status_from, status_to, message_sw, message_en, detail)
            VALUES (@id, 'status', 'portal', 'queued', 'rejected', @sw, @en, @problem)
            """, new { request.Id, sw, en, problem }, transaction, cancellationToken: cancellationToken));
        if (contact is not null)
        {
            await Notices.EnqueueAsync(connection, transaction, contact, request.Reference, RequestStatus.Rejected,
                contact.Language == "en" ? en : sw, null, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Leaves a queued request for another try after <paramref name="delay"/> (the first failure is on the timeline).</summary>
    internal async Task ScheduleRetryAsync(long requestId, int attempt, TimeSpan delay, string problem, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE requests.requests SET submit_attempts = @attempt, next_attempt_at = now() + @delay, last_error = @problem
            WHERE id = @id AND status = 'queued';
            INSERT INTO requests.events (request_id, kind, source, detail)
            SELECT @id, 'submit_failed', 'portal', @problem WHERE @attempt = 1;
            """, new { id = requestId, attempt, delay, problem }, cancellationToken: cancellationToken));
    }

    // ---- Status reports (StatusUpdates decides what moves; the writes are here) ----

    /// <summary>The agency's requests named in a report, locked until the caller's transaction ends.</summary>
    internal static async Task<List<ReportedRequest>> LockReportedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string agency, string[] agencyReferences, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<ReportedRequest>(new CommandDefinition(
            """
            SELECT id AS Id, account_id AS AccountId, reference AS Reference, agency_reference AS AgencyReference,
                   status AS Status, agency_version AS AgencyVersion,
                   agency_updated_at AS AgencyUpdatedAt
            FROM requests.requests
            WHERE agency = @agency AND agency_reference = ANY(@agencyReferences)
            ORDER BY id
            FOR UPDATE
            """, new { agency, agencyReferences }, transaction, cancellationToken: cancellationToken))];

    /// <summary>
    /// Writes a batch of accepted status reports in the caller's transaction: one statement for the requests and
    /// one for the timeline, set-based, so a batch of 500 is a handful of round trips whatever its size.
    /// </summary>
    internal static async Task SaveStatusChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<(ReportedRequest Row, AgencyStatusItem Item, string Status)> changes, string source, CancellationToken cancellationToken)
    {
        var ids = changes.Select(c => c.Row.Id).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE requests.requests r SET
                status = u.status,
                agency_status = u.agency_status,
                agency_version = u.version,
                agency_updated_at = u.updated_at,
                message_sw = u.message_sw,
                message_en = u.message_en,
                payment_control_number = u.control,
                amount_tzs = u.amount,
                correction = u.correction::jsonb,
                updated_at = now(),
                closed_at = CASE WHEN u.status IN ('rejected', 'completed', 'cancelled') THEN coalesce(r.closed_at, now()) ELSE NULL END
            FROM unnest(@ids, @statuses, @agencyStatuses, @versions, @updatedAts, @messagesSw, @messagesEn, @controls, @amounts, @corrections)
                 AS u(id, status, agency_status, version, updated_at, message_sw, message_en, control, amount, correction)
            WHERE r.id = u.id
            """,
            new
            {
                ids,
                statuses = changes.Select(c => c.Status).ToArray(),
                agencyStatuses = changes.Select(c => c.Item.Status).ToArray(),
                versions = changes.Select(c => c.Item.Version).ToArray(),
                updatedAts = changes.Select(c => c.Item.UpdatedAt.UtcDateTime).ToArray(),
                messagesSw = changes.Select(c => c.Item.MessageSw).ToArray(),
                messagesEn = changes.Select(c => c.Item.MessageEn).ToArray(),
                controls = changes.Select(c => c.Item.PaymentControlNumber).ToArray(),
                amounts = changes.Select(c => c.Item.AmountTzs).ToArray(),
                corrections = changes.Select(c => c.Item.Correction).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO requests.events (request_id, kind, source, status_from, status_to, agency_status, agency_version, message_sw, message_en)
            SELECT * FROM unnest(@ids, @kinds, @sources, @froms, @tos, @agencyStatuses, @versions, @messagesSw, @messagesEn)
            """,
            new
            {
                ids,
                kinds = changes.Select(_ => "status").ToArray(),
                sources = changes.Select(_ => source).ToArray(),
                froms = changes.Select(c => c.Row.Status).ToArray(),
                tos = changes.Select(c => c.Status).ToArray(),
                agencyStatuses = changes.Select(c => c.Item.Status).ToArray(),
                versions = changes.Select(c => c.Item.Version).ToArray(),
                messagesSw = changes.Select(c => c.Item.MessageSw).ToArray(),
                messagesEn = changes.Select(c => c.Item.MessageEn).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
    }
}

/// <summary>A request named in an agency's status report, as it is before the report applies.</summary>
internal sealed record ReportedRequest(long Id, Guid AccountId, string Reference, string AgencyReference, string Status,
    int? AgencyVersion, DateTime? AgencyUpdatedAt);
