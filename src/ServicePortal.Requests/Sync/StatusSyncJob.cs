using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Requests.Agencies;
using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Sync;

/// <summary>
/// Asks one agency about all its open requests, 500 at a time, and applies the answers through the same
/// idempotent code as the agency's pushes (<see cref="StatusUpdates"/>). A Hangfire recurring job per agency.
/// <list type="bullet">
/// <item>Never twice at once for one agency across nodes: the pass holds a PostgreSQL advisory lock on its own
/// connection; a second node finds it taken and leaves.</item>
/// <item>A failing agency is backed off: after each failed pass the next is allowed only after an exponential
/// delay with jitter; after <see cref="RequestsOptions.CircuitThreshold"/> failures in a row the circuit opens
/// for up to 30 minutes (shown on the administrator page with the lag and the last error).</item>
/// <item>A batch where some references fail is applied for the others; bad items and bad answers are recorded
/// in <c>requests.agency_errors</c>, never applied.</item>
/// <item>A host killed in the middle loses nothing: each batch commits on its own, and applying a batch again
/// changes nothing (versions).</item>
/// </list>
/// </summary>
internal partial class StatusSyncJob(
    NpgsqlDataSource dataSource,
    AgencyConnector connector,
    StatusUpdates updates,
    IOptions<RequestsOptions> options,
    ILogger<StatusSyncJob> logger)
{
    /// <summary>What one pass did.</summary>
    public sealed record PassResult(bool Ran, int Asked, int Applied, int Problems, string? Error);

    public async Task<PassResult> RunAsync(string agency, CancellationToken cancellationToken)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        var locked = await lockConnection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT pg_try_advisory_lock(hashtext('requests.sync'), hashtext(@agency))", new { agency },
            cancellationToken: cancellationToken));
        if (!locked)
        {
            return new PassResult(false, 0, 0, 0, "another node is syncing this agency");
        }

        try
        {
            if (await CircuitOpenAsync(agency, cancellationToken))
            {
                return new PassResult(false, 0, 0, 0, "circuit open");
            }

            return await PassAsync(agency, cancellationToken);
        }
        finally
        {
            await lockConnection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_unlock(hashtext('requests.sync'), hashtext(@agency))", new { agency },
                cancellationToken: CancellationToken.None));
        }
    }

    private async Task<PassResult> PassAsync(string agency, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO requests.agency_sync (agency, last_attempt_at) VALUES (@agency, now())
                ON CONFLICT (agency) DO UPDATE SET last_attempt_at = now()
                """, new { agency }, cancellationToken: cancellationToken));
        }

        long after = 0;
        int asked = 0, applied = 0, problems = 0;
        while (true)
        {
            var batch = await OpenBatchAsync(agency, after, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            after = batch[^1].Id;
            foreach (var group in batch.GroupBy(r => r.StatusPath))
            {
                var references = group.Select(r => r.AgencyReference).ToList();
                var answer = await connector.StatusAsync(agency, group.Key, references, cancellationToken);
                asked += references.Count;
                if (answer.Problem is not null)
                {
                    await updates.RecordErrorAsync(agency, "pull", null, answer.Problem, answer.Excerpt, cancellationToken);
                    await FailedAsync(agency, answer.Problem, cancellationToken);
                    return new PassResult(true, asked, applied, problems + 1, answer.Problem);
                }

                var (items, bad) = Read(answer.Items, references);
                foreach (var (reference, problem) in bad)
                {
                    await updates.RecordErrorAsync(agency, "pull", reference, problem, null, cancellationToken);
                }

                problems += bad.Count;
                var outcomes = await updates.ApplyAsync(agency, items, "pull", cancellationToken);
                applied += outcomes.Count(o => o.Outcome == UpdateOutcome.Applied);
                problems += outcomes.Count(o => o.Outcome == UpdateOutcome.Refused);
            }
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE requests.agency_sync SET last_success_at = now(), last_error = NULL, consecutive_failures = 0,
                    circuit_open_until = NULL, updates_applied = updates_applied + @applied
                WHERE agency = @agency
                """, new { agency, applied }, cancellationToken: cancellationToken));
        }

        if (applied > 0 || problems > 0)
        {
            LogPass(logger, agency, asked, applied, problems);
        }

        return new PassResult(true, asked, applied, problems, null);
    }

    private sealed record OpenRequest(long Id, string AgencyReference, string StatusPath);

    private async Task<IReadOnlyList<OpenRequest>> OpenBatchAsync(string agency, long after, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OpenRequest>(new CommandDefinition(
            """
            SELECT id AS Id, agency_reference AS AgencyReference, status_path AS StatusPath FROM requests.requests
            WHERE agency = @agency AND id > @after
              AND status IN ('submitted', 'in_review', 'action_required', 'awaiting_payment', 'approved')
            ORDER BY id LIMIT @size
            """, new { agency, after, size = AgencyConnector.MaxStatusBatch }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>Items the portal can use, and a problem for each it cannot (or a reference it did not ask about).</summary>
    private static (List<AgencyStatusItem> Items, List<(string? Reference, string Problem)> Bad) Read(IReadOnlyList<JsonElement> raw,
        IReadOnlyList<string> asked)
    {
        var wanted = asked.ToHashSet(StringComparer.Ordinal);
        var items = new List<AgencyStatusItem>(raw.Count);
        var bad = new List<(string?, string)>();
        foreach (var element in raw)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("error", out var error))
            {
                var missing = element.TryGetProperty("agencyReference", out var r) ? r.ToString() : null;
                bad.Add((missing, "the agency reports " + error));
                continue;
            }

            if (!AgencyStatusItem.TryRead(element, out var item, out var problem, out var reference))
            {
                bad.Add((reference, problem!));
            }
            else if (!wanted.Contains(item!.AgencyReference))
            {
                bad.Add((item.AgencyReference, "a reference the portal did not ask about"));
            }
            else
            {
                items.Add(item);
            }
        }

        return (items, bad);
    }

    private async Task<bool> CircuitOpenAsync(string agency, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM requests.agency_sync WHERE agency = @agency AND circuit_open_until > now())",
            new { agency }, cancellationToken: cancellationToken));
    }

    private async Task FailedAsync(string agency, string problem, CancellationToken cancellationToken)
    {
        // The wait before the next pass: the interval doubled per failure in a row, jittered, at most 30 min; it
        // shows as an open circuit once the failures reach the threshold.
        var settings = options.Value;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var failures = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            UPDATE requests.agency_sync SET consecutive_failures = consecutive_failures + 1, last_error = @problem
            WHERE agency = @agency RETURNING consecutive_failures
            """, new { agency, problem }, cancellationToken: cancellationToken));
        if (failures >= settings.CircuitThreshold)
        {
            var seconds = Math.Min(1800, settings.IntervalFor(agency).TotalSeconds * Math.Pow(2, failures - settings.CircuitThreshold + 1));
            var open = TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE requests.agency_sync SET circuit_open_until = now() + @open WHERE agency = @agency",
                new { agency, open }, cancellationToken: cancellationToken));
            LogCircuit(logger, agency, failures, open.TotalSeconds, problem);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Status sync of {Agency}: asked {Asked}, applied {Applied}, problems {Problems}")]
    private static partial void LogPass(ILogger logger, string agency, int asked, int applied, int problems);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Status sync of {Agency} failed {Failures} times in a row; circuit open for {Seconds:F0} s: {Problem}")]
    private static partial void LogCircuit(ILogger logger, string agency, int failures, double seconds, string problem);
}
