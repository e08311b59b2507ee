using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Core.Messaging;

/// <summary>
/// <c>Messaging:Sms</c>. A class rather than a record: a record's generated <c>ToString</c> would print the
/// API key wherever the settings are logged.
/// </summary>
internal sealed class SmsGatewaySettings
{
    public const string Section = "Messaging:Sms";

    public string? Url { get; set; }
    public string? ApiKey { get; set; }

    /// <summary>The alphanumeric sender name shown on the phone: at most 11 characters (GSM 03.38).</summary>
    public string SenderId { get; set; } = "PORTAL";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Stops start-up with one line naming the first setting that is missing or wrong.</summary>
    public SmsGatewaySettings Validate()
    {
        if (string.IsNullOrWhiteSpace(Url))
        {
            throw Missing("Url", "the gateway's send address, e.g. https://sms.example.co.tz/api/v1/messages");
        }

        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new PortalStartupException($"{Section}:Url: '{Url}' is not an absolute https:// address.");
        }

        if (url.Scheme != Uri.UriSchemeHttps && !Loopback.Is(url.Host))
        {
            throw new PortalStartupException(
                $"{Section}:Url must be https:// (the API key and the messages would travel in clear); plain http is " +
                $"allowed only to this machine, not to '{url.Host}'.");
        }

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            throw Missing("ApiKey", "the key the gateway issued to the portal, sent as a bearer token");
        }

        if (string.IsNullOrWhiteSpace(SenderId) || SenderId.Length > 11)
        {
            throw new PortalStartupException(
                $"{Section}:SenderId: '{SenderId}' must be 1 to 11 characters (the limit of an SMS sender name).");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new PortalStartupException($"{Section}:Timeout must be positive, e.g. 00:00:15.");
        }

        return this;
    }

    private static PortalStartupException Missing(string setting, string what) =>
        new($"{Section}:{setting} is required when Messaging:Sender includes sms: {what} " +
            $"(environment: Messaging__Sms__{setting}).");
}

/// <summary>
/// Sends the outbox's SMS through an HTTP bulk-SMS gateway. The portal speaks one shape, the common one of
/// Tanzanian bulk-SMS aggregators' JSON APIs; a gateway that differs is adapted here, in this class only.
/// <code>
/// POST {Messaging:Sms:Url}
/// Authorization: Bearer {Messaging:Sms:ApiKey}
/// Idempotency-Key: {OutboxMessage.MessageId}
/// Content-Type: application/json; charset=utf-8
///
/// { "to": "+255712345678", "from": "PORTAL", "text": "Msimbo wako ni 123456", "reference": "{MessageId}" }
/// </code>
/// The gateway answers:
/// <list type="bullet">
/// <item>2xx: accepted for delivery (the body, e.g. the gateway's own message id, is not needed);</item>
/// <item>4xx other than 408 and 429: this message can never be accepted (bad number, bad sender name, no
/// credit on the account is a 402 and is also final for the message): <see cref="PermanentDeliveryException"/>;</item>
/// <item>5xx, 408, 429, a timeout or a broken connection: try again later (the outbox backs off).</item>
/// </list>
/// The <c>Idempotency-Key</c> and <c>reference</c> are the outbox's stable message id, so a gateway that
/// deduplicates does not send twice when the portal retries after a crash between "sent" and "recorded".
/// </summary>
internal sealed partial class SmsGatewaySender(
    IHttpClientFactory httpClients, SmsGatewaySettings settings, ILogger<SmsGatewaySender> logger) : IMessageSender
{
    /// <summary>The named client (a new <see cref="HttpClient"/> per send, so pooled handlers rotate).</summary>
    public const string HttpClientName = "ServicePortal.SmsGateway";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Channel => OutgoingMessage.Sms;

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url)
        {
            Content = JsonContent.Create(
                new SmsGatewayRequest(message.Recipient, settings.SenderId, message.Body, message.MessageId), options: Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        request.Headers.Add("Idempotency-Key", message.MessageId.ToString("D"));

        var http = httpClients.CreateClient(HttpClientName);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"The SMS gateway did not answer within {settings.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.", e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                LogSent(logger, message.Id, status);
                return;
            }

            var detail = await ReadDetailAsync(response, cancellationToken);
            var text = $"The SMS gateway answered {status} {response.ReasonPhrase}{detail}";
            if (status is >= 400 and < 500 && response.StatusCode is not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests)
            {
                throw new PermanentDeliveryException(text);
            }

            throw new HttpRequestException(text, null, response.StatusCode);
        }
    }

    /// <summary>The start of the gateway's explanation, for the outbox's <c>last_error</c>.</summary>
    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        body = body.ReplaceLineEndings(" ").Trim();
        return body.Length == 0 ? "" : $": {(body.Length > 300 ? body[..300] + "…" : body)}";
    }

    private sealed record SmsGatewayRequest(string To, string From, string Text, Guid Reference);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS for outbox message {Id} accepted by the gateway ({Status})")]
    private static partial void LogSent(ILogger logger, long id, int status);
}
