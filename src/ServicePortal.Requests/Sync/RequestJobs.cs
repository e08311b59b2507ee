using System.Globalization;
using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Catalog.Browse;
using ServicePortal.Core.Database;
using ServicePortal.Requests.Agencies;

namespace ServicePortal.Requests.Sync;

/// <summary>The Hangfire entry points: thin, so the work itself stays testable without Hangfire.</summary>
internal sealed class RequestJobs(SubmissionJob submission, StatusSyncJob sync)
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
        var result = await sync.RunAsync(agency, cancellationToken);
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
internal sealed class RecurringJobsRegistrar(
    NpgsqlDataSource dataSource,
    CatalogReader catalog,
    IRecurringJobManager recurring,
    IBackgroundJobClient jobs,
    IOptions<RequestsOptions> options,
    ILogger<RecurringJobsRegistrar> logger) : ChannelListener(dataSource, logger)
{
    private DateTimeOffset _nextRegistration = DateTimeOffset.MinValue;

    protected override string ChannelName => Applications.RequestStore.QueuedChannel;

    protected override TimeSpan CheckInterval => TimeSpan.FromSeconds(30);

    protected override Task ListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        RegisterWhenDueAsync(cancellationToken);

    protected override async Task WokeAsync(NpgsqlConnection connection, bool notified, CancellationToken cancellationToken)
    {
        await RegisterWhenDueAsync(cancellationToken);
        if (notified)
        {
            // A queued request: send now rather than at the next sweep (several in a burst: one run).
            while (await connection.WaitAsync(TimeSpan.FromMilliseconds(50), cancellationToken))
            {
            }

            jobs.Enqueue<RequestJobs>(j => j.SubmitQueuedAsync(CancellationToken.None));
        }
    }

    private async Task RegisterWhenDueAsync(CancellationToken cancellationToken)
    {
        if (DateTimeOffset.UtcNow >= _nextRegistration)
        {
            await RegisterAsync(cancellationToken);
            _nextRegistration = DateTimeOffset.UtcNow.AddMinutes(10);
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<RequestJobs>(RequestJobs.SubmitRecurringId, j => j.SubmitQueuedAsync(CancellationToken.None), "*/15 * * * * *");
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        // Agencies with a status path in the catalogue (asked through the catalogue's code), and any agency that
        // still has open requests here.
        var open = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT DISTINCT agency FROM requests.requests
            WHERE status IN ('submitted', 'in_review', 'action_required', 'awaiting_payment', 'approved')
            """, cancellationToken: cancellationToken));
        var agencies = new SortedSet<string>(await catalog.ListStatusSyncAgenciesAsync(cancellationToken), StringComparer.Ordinal);
        agencies.UnionWith(open);
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
}
