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
internal partial class SubmissionJob(
    RequestStore store,
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
            var claimed = await store.ClaimQueuedAsync(Lease, ClaimSize, cancellationToken);
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
        if (!await store.RecordSubmittedAsync(request, item, received, contact, cancellationToken))
        {
            return; // cancelled meanwhile, or another node recorded it: nothing to add
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
        if (!await store.RecordRefusedAsync(request, problem, contact, cancellationToken))
        {
            return;
        }

        LogRefused(logger, request.Reference, request.Agency, problem);
    }

    private async Task RetryLaterAsync(OutgoingRequest request, string problem, CancellationToken cancellationToken)
    {
        var attempt = request.SubmitAttempts + 1;
        var delay = TimeSpan.FromSeconds(Math.Min(900, 10 * Math.Pow(2, Math.Min(attempt - 1, 10))));
        delay *= 0.8 + (Random.Shared.NextDouble() * 0.4); // jitter: agencies coming back are not hit by a wave
        await store.ScheduleRetryAsync(request.Id, attempt, delay, problem, cancellationToken);
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
