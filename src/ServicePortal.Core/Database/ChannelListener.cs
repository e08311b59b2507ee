using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ServicePortal.Core.Database;

/// <summary>
/// What every node-local cache or scheduler kept in step with the database by <c>NOTIFY</c> needs: one connection
/// of its own LISTENing on one channel, for as long as the host runs. A lost connection is reopened with backoff
/// (1 s doubling to 30 s); after every (re)connect <see cref="ListeningAsync"/> lets the subclass catch up on what
/// was announced while it was away; between notifications it wakes every <see cref="CheckInterval"/>, so a
/// subclass can check for itself what a missed notification would have told it.
/// </summary>
public abstract partial class ChannelListener(NpgsqlDataSource dataSource, ILogger logger) : BackgroundService
{
    /// <summary>For subclasses' own queries (on connections of their own, not the listening one).</summary>
    protected NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>The channel (a name the code chooses, never input).</summary>
    protected abstract string ChannelName { get; }

    /// <summary>Further channels heard on the same connection (names the code chooses), when one cache follows
    /// two owners' changes (the gateway: the catalogue's and its own).</summary>
    protected virtual IReadOnlyList<string> MoreChannels => [];

    /// <summary>The longest wait between two wake-ups without a notification.</summary>
    protected abstract TimeSpan CheckInterval { get; }

    /// <summary>Each notification, as it arrives (on the connection's reading thread: keep it short).</summary>
    protected virtual void OnNotification(string payload)
    {
    }

    /// <summary>Listening has begun (again): read what may have been missed. Listening first, then reading,
    /// so a change between the two is seen either way.</summary>
    protected abstract Task ListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken);

    /// <summary>After each wait: <paramref name="notified"/> when notifications came, false when the interval passed.</summary>
    protected abstract Task WokeAsync(NpgsqlConnection connection, bool notified, CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                LogListenFailed(logger, e, ChannelName, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, stoppingToken);
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
        await using var connection = await DataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, e) => OnNotification(e.Payload);
        foreach (var channel in MoreChannels.Prepend(ChannelName))
        {
            await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        await ListeningAsync(connection, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var notified = await connection.WaitAsync(CheckInterval, stoppingToken);
            await WokeAsync(connection, notified, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listener on {Channel} lost its database connection; retrying in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, string channel, double seconds);
}
