using System.Globalization;
using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Core.Tests.Messaging;

/// <summary>The dispatcher over the real outbox, with the real senders and their real counterparts.</summary>
public sealed class OutboxDispatcherTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_permanent_refusal_is_given_up_at_once_and_never_retried()
    {
        await using var smtp = new TestSmtpServer("hayupo@example.co.tz");
        await using var services = MessagingConfiguration.Build(new Dictionary<string, string?>
        {
            ["Messaging:Sender"] = "smtp",
            ["Messaging:Smtp:Host"] = "127.0.0.1",
            ["Messaging:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Messaging:Smtp:Security"] = "None",
            ["Messaging:Smtp:From"] = "huduma@portal.example.go.tz",
        });
        var dispatcher = Dispatcher(services);
        var id = await EnqueueAsync(new OutgoingMessage(OutgoingMessage.Email, "hayupo@example.co.tz", "Taarifa", "Habari", "test.permanent"));

        Assert.Equal(1, await dispatcher.DispatchBatchAsync(CancellationToken.None));
        await MakeEverythingDueAsync();

        Assert.Equal(0, await dispatcher.DispatchBatchAsync(CancellationToken.None));
        var row = await RowAsync(id);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.SentAt);
        Assert.True(row.GivenUp);
        Assert.Contains("550", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_error_is_retried_and_the_retry_carries_the_same_idempotency_key()
    {
        await using var gateway = await TestSmsGateway.StartAsync();
        gateway.Status = HttpStatusCode.ServiceUnavailable;
        await using var services = MessagingConfiguration.Build(new Dictionary<string, string?>
        {
            ["Messaging:Sender"] = "sms",
            ["Messaging:Sms:Url"] = gateway.Url,
            ["Messaging:Sms:ApiKey"] = "test-key",
        });
        var dispatcher = Dispatcher(services);
        var id = await EnqueueAsync(OutgoingMessage.ToPhone("+255712345678", "Msimbo wako ni 482913", "test.retry"));

        Assert.Equal(1, await dispatcher.DispatchBatchAsync(CancellationToken.None));
        var failed = await RowAsync(id);
        Assert.False(failed.GivenUp);
        Assert.Contains("503", failed.LastError, StringComparison.Ordinal);

        gateway.Status = HttpStatusCode.Accepted;
        await MakeEverythingDueAsync();
        Assert.Equal(1, await dispatcher.DispatchBatchAsync(CancellationToken.None));

        var sent = await RowAsync(id);
        Assert.Equal(2, sent.Attempts);
        Assert.NotNull(sent.SentAt);
        Assert.Null(sent.LastError);
        var keys = gateway.Received.Select(r => r.IdempotencyKey).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Equal(sent.MessageId.ToString("D"), Assert.Single(keys.Distinct()));
    }

    private OutboxDispatcher Dispatcher(ServiceProvider services) =>
        new(_dataSource, services.GetServices<IMessageSender>(), TimeProvider.System, NullLogger<OutboxDispatcher>.Instance);

    private async Task<long> EnqueueAsync(OutgoingMessage message)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await Outbox.EnqueueAsync(connection, null, message, CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT max(id) FROM portal.outbox_messages");
    }

    // Stands in for the backoff passing, without waiting for it.
    private async Task MakeEverythingDueAsync()
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "UPDATE portal.outbox_messages SET next_attempt_at = now() WHERE sent_at IS NULL AND next_attempt_at <> 'infinity'");
    }

    private async Task<OutboxRow> RowAsync(long id)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<OutboxRow>(
            """
            SELECT message_id AS MessageId, attempts, sent_at AS SentAt, last_error AS LastError,
                   next_attempt_at = 'infinity' AS GivenUp
            FROM portal.outbox_messages WHERE id = @id
            """, new { id });
    }

    private sealed record OutboxRow(Guid MessageId, int Attempts, DateTime? SentAt, string? LastError, bool GivenUp);
}
