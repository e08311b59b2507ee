using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ServicePortal.Identity.Session;

/// <summary>
/// Keeps this node's <see cref="SessionAccounts"/> in step with the database: one connection LISTENs on
/// <c>identity_account_changed</c> (the trigger on <c>identity.accounts</c> names the account at the commit
/// of every change a session depends on, a new password first of all) and evicts the account named. Whenever
/// it (re)connects it clears the whole cache, since notifications sent while it was away are lost.
/// </summary>
public sealed partial class SessionAccountListener(
    NpgsqlDataSource dataSource,
    SessionAccounts accounts,
    ILogger<SessionAccountListener> logger) : BackgroundService
{
    public const string Channel = "identity_account_changed";

    /// <summary>How long the connection may stay silent before a query checks it is still there.</summary>
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                LogListenFailed(logger, e, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
        connection.Notification += (_, e) =>
        {
            if (Guid.TryParse(e.Payload, out var id))
            {
                accounts.Evict(id);
            }
            else
            {
                accounts.Clear(); // no single account named (a TRUNCATE)
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
        }

        // Listening first, then clearing: a change committed while we were away is read afresh, and one
        // committed from now on is announced.
        accounts.Clear();
        LogListening(logger);

        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(CheckInterval, stoppingToken).ConfigureAwait(false))
            {
                // Quiet for a while: make sure the connection is alive, or a dead one would go unnoticed and
                // every change would wait for the cache lifetime. LISTEN again is a no-op round trip that keeps
                // what pg_stat_activity shows for this connection telling (operators and tests find it by it).
                await using var check = new NpgsqlCommand($"LISTEN {Channel}", connection);
                await check.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session account listener lost its connection; retrying in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listening for account changes; the session account cache is cleared")]
    private static partial void LogListening(ILogger logger);
}
