using System.Globalization;
using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Requests.Agencies;

namespace ServicePortal.Requests.Sync;

/// <summary>The Hangfire entry points: thin, so the work itself stays testable without Hangfire.</summary>
public sealed class RequestJobs(SubmissionJob submission, StatusSyncJob sync)
{
    public const string SubmitRecurringId = "requests-submit";

    public static string SyncRecurringId(string agency) => "requests-sync-" + agency;

    // The job retries requests itself, with backoff, and the next run comes anyway. Runs may overlap: the claim
    // (SKIP LOCKED + lease) shares the work, and a lock here would only keep workers waiting that the syncs need.
    [AutomaticRetry(Attempts = 0)]
    public Task<int> SubmitQueuedAsync(CancellationToken cancellationToken) => submission.RunAsync(cancellationToken);

    [AutomaticRetry(Attempts = 0)]
    public async Task<string> SyncAgencyAsync(string agency, CancellationToken cancellationToken)
    {
        var result = await sync.RunAsync(agency, cancellationToken).ConfigureAwait(false);
        return result.Error ?? string.Create(CultureInfo.InvariantCulture, $"asked {result.Asked}, applied {result.Applied}, problems {result.Problems}");
    }
}

/// <summary>Hangfire's storage on the portal's own PostgreSQL (schema <c>hangfire</c>), through the one data source.</summary>
internal sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}

/// <summary>
/// Keeps the recurring jobs in step with the catalogue: the submission sweep every 15 seconds, and one status sync
/// per agency that has services with a status path, at the agency's interval. Checked at start and every
/// 10 minutes, and also wakes the submission right away when a request is queued (NOTIFY).
/// </summary>
internal sealed partial class RecurringJobsRegistrar(
    NpgsqlDataSource dataSource,
    IRecurringJobManager recurring,
    IBackgroundJobClient jobs,
    IOptions<RequestsOptions> options,
    ILogger<RecurringJobsRegistrar> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextRegistration = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand($"LISTEN {Applications.RequestStore.QueuedChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    if (DateTimeOffset.UtcNow >= nextRegistration)
                    {
                        await RegisterAsync(stoppingToken).ConfigureAwait(false);
                        nextRegistration = DateTimeOffset.UtcNow.AddMinutes(10);
                    }

                    // A queued request: send now rather than at the next sweep (several in a burst: one run).
                    if (await connection.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken).ConfigureAwait(false))
                    {
                        while (await connection.WaitAsync(TimeSpan.FromMilliseconds(50), stoppingToken).ConfigureAwait(false))
                        {
                        }

                        jobs.Enqueue<RequestJobs>(j => j.SubmitQueuedAsync(CancellationToken.None));
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
            {
                LogFailed(logger, e);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<RequestJobs>(RequestJobs.SubmitRecurringId, j => j.SubmitQueuedAsync(CancellationToken.None), "*/15 * * * * *");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var agencies = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT DISTINCT a.code FROM catalog.services s JOIN catalog.agencies a ON a.id = s.agency_id
            WHERE s.status_path IS NOT NULL AND s.status = 'published'
            UNION
            SELECT DISTINCT agency FROM requests.requests
            WHERE status IN ('submitted', 'in_review', 'action_required', 'awaiting_payment', 'approved')
            """, cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var agency in agencies)
        {
            recurring.AddOrUpdate<RequestJobs>(RequestJobs.SyncRecurringId(agency), j => j.SyncAgencyAsync(agency, CancellationToken.None),
                CronOf(options.Value.IntervalFor(agency)));
        }
    }

    /// <summary>Every N seconds under a minute (Hangfire reads six-field cron with seconds), else every N minutes.</summary>
    internal static string CronOf(TimeSpan interval) => interval < TimeSpan.FromMinutes(1)
        ? $"*/{Math.Max(5, (int)interval.TotalSeconds)} * * * * *"
        : $"*/{Math.Clamp((int)interval.TotalMinutes, 1, 59)} * * * *";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request job registration lost its database connection; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
