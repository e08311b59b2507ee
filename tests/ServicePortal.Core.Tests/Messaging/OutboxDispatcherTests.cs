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

    [Fact]
    public async Task A_sent_one_time_code_is_kept_only_masked_and_other_messages_as_written()
    {
        await using var gateway = await TestSmsGateway.StartAsync();
        await using var services = MessagingConfiguration.Build(new Dictionary<string, string?>
        {
            ["Messaging:Sender"] = "sms",
            ["Messaging:Sms:Url"] = gateway.Url,
            ["Messaging:Sms:ApiKey"] = "test-key",
        });
        var dispatcher = Dispatcher(services);
        // As the identity module writes a code (purpose identity.{what for}), and a notice that holds numbers too.
        var code = await EnqueueAsync(OutgoingMessage.ToPhone("+255712345678",
            "Namba yako ya uthibitisho ya Lango la Huduma za Serikali ni 482913. Inaisha baada ya dakika 10. Usimpe mtu yeyote.",
            "identity.sign-in"));
        var notice = await EnqueueAsync(OutgoingMessage.ToPhone("+255712345678", "Ombi SP-4KX92M7QD limepokelewa: 1200000 TZS.", "request_status"));

        Assert.Equal(2, await dispatcher.DispatchBatchAsync(CancellationToken.None));

        // The person got the code; the outbox keeps the message, not the code.
        Assert.Contains(gateway.Received, r => r.Body.ToString().Contains("482913", StringComparison.Ordinal));
        var kept = await BodyAsync(code);
        Assert.DoesNotContain("482913", kept, StringComparison.Ordinal);
        Assert.Contains("ni ******. Inaisha baada ya dakika 10.", kept, StringComparison.Ordinal);
        Assert.Equal("Ombi SP-4KX92M7QD limepokelewa: 1200000 TZS.", await BodyAsync(notice));
    }

    [Fact]
    public async Task A_one_time_code_given_up_is_masked_too_and_one_still_to_retry_is_not()
    {
        await using var gateway = await TestSmsGateway.StartAsync();
        gateway.Status = HttpStatusCode.BadRequest; // the gateway refuses the number for good
        await using var services = MessagingConfiguration.Build(new Dictionary<string, string?>
        {
            ["Messaging:Sender"] = "sms",
            ["Messaging:Sms:Url"] = gateway.Url,
            ["Messaging:Sms:ApiKey"] = "test-key",
        });
        var dispatcher = Dispatcher(services);
        var refused = await EnqueueAsync(OutgoingMessage.ToPhone("+255712345678", "Your code is 271828.", "identity.register"));

        await dispatcher.DispatchBatchAsync(CancellationToken.None);
        gateway.Status = HttpStatusCode.ServiceUnavailable; // now only for a while: the next one is retried
        var retried = await EnqueueAsync(OutgoingMessage.ToPhone("+255712345679", "Your code is 314159.", "identity.register"));
        await dispatcher.DispatchBatchAsync(CancellationToken.None);

        Assert.True((await RowAsync(refused)).GivenUp);
        Assert.Equal("Your code is ******.", await BodyAsync(refused));
        Assert.False((await RowAsync(retried)).GivenUp);
        Assert.Equal("Your code is 314159.", await BodyAsync(retried));
    }

    private async Task<string> BodyAsync(long id)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT body FROM portal.outbox_messages WHERE id = @id", new { id }) ?? "";
    }

    private OutboxDispatcher Dispatcher(ServiceProvider services) =>
        new(_dataSource, services.GetServices<IMessageSender>(), NullLogger<OutboxDispatcher>.Instance);

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
