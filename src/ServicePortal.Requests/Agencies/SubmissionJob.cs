using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServicePortal.Core.Identity;
using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Agencies;

/// <summary>
/// Delivers queued requests to their agencies (a Hangfire job: started right after a request is queued, and
/// every 15 seconds as a sweep, so a request whose start was lost in a crash still goes). Requests are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> and a lease, so nodes share the work and none is sent twice at once. An agency
/// that is down leaves its requests queued, retried with exponential backoff and jitter (10 s doubling to
/// 15 minutes); the citizen sees "queued" meanwhile and is told when it goes.
/// </summary>
public sealed partial class SubmissionJob(
    NpgsqlDataSource dataSource,
    AgencyConnector connector,
    StatusUpdates updates,
    ICitizenDirectory citizens,
    ILogger<SubmissionJob> logger)
{
    private const int ClaimSize = 10;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Sends what is due; returns how many requests it handled.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var claimed = await ClaimAsync(cancellationToken);
            if (claimed.Count == 0)
            {
                break;
            }

            foreach (var request in claimed)
            {
                var outcome = await connector.SubmitAsync(request, cancellationToken);
                try
                {
                    await RecordAsync(request, outcome, cancellationToken);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation &&
                                                  e.ConstraintName == "requests_agency_reference" &&
                                                  outcome is SubmitOutcome.Accepted accepted)
                {
                    // The agency answered with a reference another of its applications already has (a system
                    // restored from a backup, a counter reset): its answer cannot be kept. The request stays
                    // queued and is sent again with backoff (same Idempotency-Key); the error is on the
                    // administrator's page.
                    var problem = $"the agency answered with reference {accepted.Item.AgencyReference}, which another application already has";
                    await updates.RecordErrorAsync(request.Agency, "submit", accepted.Item.AgencyReference, problem, null, cancellationToken);
                    await RetryLaterAsync(request, problem, cancellationToken);
                }

                handled++;
            }
        }

        return handled;
    }

    private async Task<IReadOnlyList<OutgoingRequest>> ClaimAsync(CancellationToken cancellationToken)
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
            """, new { lease = Lease, size = ClaimSize }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    private async Task RecordAsync(OutgoingRequest request, SubmitOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case SubmitOutcome.Accepted accepted:
                await AcceptedAsync(request, accepted.Item, cancellationToken);
                break;
            case SubmitOutcome.Refused refused:
                await RefusedAsync(request, refused.Problem, cancellationToken);
                break;
            case SubmitOutcome.Retry retry:
                await RetryLaterAsync(request, retry.Problem, cancellationToken);
                break;
        }
    }

    private async Task AcceptedAsync(OutgoingRequest request, AgencyStatusItem item, CancellationToken cancellationToken)
    {
        var contact = (await citizens.ContactsAsync([request.AccountId], cancellationToken))
            .GetValueOrDefault(request.AccountId);
        var received = RequestStatus.FromAgency(item.Status) == RequestStatus.Submitted;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
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
                return; // cancelled meanwhile, or another node recorded it: nothing to add
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
        }

        // The agency's first answer is a status report like any other. When it only says "received" it is the
        // submission's own event (one line on the timeline, with the agency's words); when the agency already
        // moved it further, that move is applied as any report is (its version, its words, its notice).
        if (!received)
        {
            await updates.ApplyAsync(request.Agency, [item], "pull", cancellationToken);
        }

        LogSubmitted(logger, request.Reference, request.Agency, item.AgencyReference);
    }

    private async Task RefusedAsync(OutgoingRequest request, string problem, CancellationToken cancellationToken)
    {
        var contact = (await citizens.ContactsAsync([request.AccountId], cancellationToken))
            .GetValueOrDefault(request.AccountId);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string sw = "Taasisi imekataa ombi hili. Wasiliana na dawati la msaada kwa maelezo.";
        const string en = "The agency refused this application. Contact the helpdesk for details.";
        var moved = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE requests.requests
            SET status = 'rejected', closed_at = now(), updated_at = now(), next_attempt_at = NULL, last_error = @problem,
                message_sw = @sw, message_en = @en, submit_attempts = submit_attempts + 1
            WHERE id = @id AND status = 'queued'
            """, new { request.Id, problem, sw, en }, transaction, cancellationToken: cancellationToken));
        if (moved == 0)
        {
            return;
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
        LogRefused(logger, request.Reference, request.Agency, problem);
    }

    private async Task RetryLaterAsync(OutgoingRequest request, string problem, CancellationToken cancellationToken)
    {
        var attempt = request.SubmitAttempts + 1;
        var delay = TimeSpan.FromSeconds(Math.Min(900, 10 * Math.Pow(2, Math.Min(attempt - 1, 10))));
        delay *= 0.8 + (Random.Shared.NextDouble() * 0.4); // jitter: agencies coming back are not hit by a wave
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE requests.requests SET submit_attempts = @attempt, next_attempt_at = now() + @delay, last_error = @problem
            WHERE id = @id AND status = 'queued';
            INSERT INTO requests.events (request_id, kind, source, detail)
            SELECT @id, 'submit_failed', 'portal', @problem WHERE @attempt = 1;
            """, new { request.Id, attempt, delay, problem }, cancellationToken: cancellationToken));
        LogRetry(logger, request.Reference, request.Agency, attempt, delay.TotalSeconds, problem);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {Reference} submitted to {Agency} as {AgencyReference}")]
    private static partial void LogSubmitted(ILogger logger, string reference, string agency, string agencyReference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Reference} refused by {Agency}: {Problem}")]
    private static partial void LogRefused(ILogger logger, string reference, string agency, string problem);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Request {Reference} not delivered to {Agency} (attempt {Attempt}); next try in {Seconds:F0} s: {Problem}")]
    private static partial void LogRetry(ILogger logger, string reference, string agency, int attempt, double seconds, string problem);
}
