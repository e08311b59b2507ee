using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Core.Tests.Messaging;

/// <summary>The SMS sender against a real HTTP gateway (Kestrel on loopback).</summary>
public sealed class SmsGatewaySenderTests
{
    private static ServiceProvider Configured(TestSmsGateway gateway, string timeout = "00:00:10") =>
        MessagingConfiguration.Build(new Dictionary<string, string?>
        {
            ["Messaging:Sender"] = "sms",
            ["Messaging:Sms:Url"] = gateway.Url,
            ["Messaging:Sms:ApiKey"] = "test-key-7f3a",
            ["Messaging:Sms:Timeout"] = timeout,
        });

    [Fact]
    public async Task Posts_the_message_as_json_with_the_bearer_key_and_the_outbox_id_as_idempotency_key()
    {
        await using var gateway = await TestSmsGateway.StartAsync();
        await using var services = Configured(gateway);
        var message = MessagingConfiguration.Message(OutgoingMessage.Sms, "+255712345678", null, "Msimbo wako ni 482913. Usimpe mtu yeyote — ServicePortal");

        await services.Sender(OutgoingMessage.Sms).SendAsync(message, CancellationToken.None);

        var request = Assert.Single(gateway.Received);
        Assert.Equal("Bearer test-key-7f3a", request.Authorization);
        Assert.Equal(message.MessageId.ToString("D"), request.IdempotencyKey);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("+255712345678", request.Body.GetProperty("to").GetString());
        Assert.Equal("PORTAL", request.Body.GetProperty("from").GetString());
        Assert.Equal(message.Body, request.Body.GetProperty("text").GetString());
        Assert.Equal(message.MessageId, request.Body.GetProperty("reference").GetGuid());
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task A_server_error_or_a_request_to_slow_down_is_a_failure_to_retry(HttpStatusCode status)
    {
        await using var gateway = await TestSmsGateway.StartAsync();
        gateway.Status = status;
        await using var services = Configured(gateway);
        var message = MessagingConfiguration.Message(OutgoingMessage.Sms, "+255712345678", null, "Habari");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            services.Sender(OutgoingMessage.Sms).SendAsync(message, CancellationToken.None));

        Assert.Equal(status, error.StatusCode);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task A_client_error_is_a_permanent_failure(HttpStatusCode status)
    {
        await using var gateway = await TestSmsGateway.StartAsync();
        gateway.Status = status;
        await using var services = Configured(gateway);
        var message = MessagingConfiguration.Message(OutgoingMessage.Sms, "+2550000", null, "Habari");

        var error = await Assert.ThrowsAsync<PermanentDeliveryException>(() =>
            services.Sender(OutgoingMessage.Sms).SendAsync(message, CancellationToken.None));

        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("test-key-7f3a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_that_does_not_answer_in_time_is_a_failure_to_retry()
    {
        await using var gateway = await TestSmsGateway.StartAsync();
        gateway.Delay = TimeSpan.FromSeconds(5);
        await using var services = Configured(gateway, timeout: "00:00:00.300");
        var message = MessagingConfiguration.Message(OutgoingMessage.Sms, "+255712345678", null, "Habari");

        await Assert.ThrowsAsync<TimeoutException>(() =>
            services.Sender(OutgoingMessage.Sms).SendAsync(message, CancellationToken.None));
    }
}
