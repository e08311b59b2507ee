using Microsoft.Extensions.Logging;
using Npgsql;
using ServicePortal.Core.Database;

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
    ILogger<SessionAccountListener> logger) : ChannelListener(dataSource, logger)
{
    public const string Channel = "identity_account_changed";

    protected override string ChannelName => Channel;

    /// <summary>How long the connection may stay silent before a query checks it is still there.</summary>
    protected override TimeSpan CheckInterval => TimeSpan.FromSeconds(15);

    protected override void OnNotification(string payload)
    {
        if (Guid.TryParse(payload, out var id))
        {
            accounts.Evict(id);
        }
        else
        {
            accounts.Clear(); // no single account named (a TRUNCATE)
        }
    }

    // Listening first, then clearing: a change committed while we were away is read afresh, and one committed
    // from now on is announced.
    protected override Task ListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        accounts.Clear();
        LogListening(logger);
        return Task.CompletedTask;
    }

    protected override async Task WokeAsync(NpgsqlConnection connection, bool notified, CancellationToken cancellationToken)
    {
        if (!notified)
        {
            // Quiet for a while: make sure the connection is alive, or a dead one would go unnoticed and every
            // change would wait for the cache lifetime. LISTEN again is a no-op round trip that keeps what
            // pg_stat_activity shows for this connection telling (operators and tests find it by it).
            await using var check = new NpgsqlCommand($"LISTEN {Channel}", connection);
            await check.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listening for account changes; the session account cache is cleared")]
    private static partial void LogListening(ILogger logger);
}
