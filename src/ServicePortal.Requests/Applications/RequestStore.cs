using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace ServicePortal.Requests.Applications;

/// <summary>A new application, as the apply page or the citizen API hands it over (already validated).</summary>
public sealed record NewRequest(
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
public sealed record RequestView(
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
public sealed record TimelineEvent(
    DateTime At, string Kind, string Source, string? StatusFrom, string? StatusTo, string? MessageSw, string? MessageEn);

/// <summary>
/// Every read and write of <c>requests.requests</c> and its timeline. Creating a request is idempotent per
/// citizen and key (a double click, a retried API call: one request) and writes the request, its first event
/// and the wake-up of the submitter in one transaction: the row itself is the outbox of the submission.
/// </summary>
public sealed class RequestStore(NpgsqlDataSource dataSource, TimeProvider clock)
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

    public async Task<IReadOnlyList<TimelineEvent>> TimelineAsync(long requestId, CancellationToken cancellationToken)
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
}
