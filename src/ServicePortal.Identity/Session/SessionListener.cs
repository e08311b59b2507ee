using Microsoft.Extensions.Logging;
using Npgsql;
using ServicePortal.Core.Database;

namespace ServicePortal.Identity.Session;

/// <summary>
/// Keeps this node's <see cref="PortalSessions"/> in step with the database: one connection LISTENs on
/// <c>identity_session_ended</c> (the trigger on <c>identity.sessions</c> names each session at the commit of its
/// end, whatever ended it: a sign-out on any node, "sign out everywhere", a new password, a change of roles) and
/// evicts it. Whenever it (re)connects it clears every session it holds, since notifications sent while it was
/// away are lost.
/// </summary>
public sealed partial class SessionListener(
    NpgsqlDataSource dataSource,
    PortalSessions sessions,
    ILogger<SessionListener> logger) : ChannelListener(dataSource, logger)
{
    public const string Channel = "identity_session_ended";

    protected override string ChannelName => Channel;

    protected override TimeSpan CheckInterval => TimeSpan.FromSeconds(15);

    protected override void OnNotification(string payload)
    {
        if (Guid.TryParse(payload, out var id))
        {
            sessions.Evict(id);
        }
        else
        {
            sessions.Clear(); // no single session named (a TRUNCATE)
        }
    }

    protected override Task ListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        sessions.Clear();
        LogListening(logger);
        return Task.CompletedTask;
    }

    protected override async Task WokeAsync(NpgsqlConnection connection, bool notified, CancellationToken cancellationToken)
    {
        if (!notified)
        {
            // Quiet for a while: check the connection is alive (as SessionAccountListener does).
            await using var check = new NpgsqlCommand($"LISTEN {Channel}", connection);
            await check.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listening for ended sessions; the session cache is cleared")]
    private static partial void LogListening(ILogger logger);
}
