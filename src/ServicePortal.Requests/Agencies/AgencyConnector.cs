using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServicePortal.Catalog.Browse;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Security;
using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Agencies;

/// <summary>A queued request on its way to the agency.</summary>
internal sealed class OutgoingRequest
{
    public long Id { get; init; }
    public string Reference { get; init; } = "";
    public Guid AccountId { get; init; }
    public string Agency { get; init; } = "";
    public string ServiceCode { get; init; } = "";
    public string Answers { get; init; } = "{}";
    public string Acr { get; init; } = "";
    public string[] Amr { get; init; } = [];
    public string SubmitPath { get; init; } = "/";
    public int SubmitAttempts { get; init; }
    public int? ProcessingDays { get; init; }
}

internal abstract record SubmitOutcome
{
    /// <summary>The agency took it: its reference and first status.</summary>
    public sealed record Accepted(AgencyStatusItem Item) : SubmitOutcome;

    /// <summary>The agency refused it for good (a 4xx other than 408/429): the citizen is told why.</summary>
    public sealed record Refused(string Problem) : SubmitOutcome;

    /// <summary>Not now (down, slow, overloaded, or an answer the portal cannot read): try again later.</summary>
    public sealed record Retry(string Problem) : SubmitOutcome;
}

/// <summary>
/// How the portal's background jobs talk to an agency's application endpoint, following the contract in
/// docs/agency-integration.md: a submission carries the citizen's assertion and <c>Idempotency-Key</c> = the
/// portal reference (stable across retries, so a retry after a lost answer cannot make a second application);
/// a batch status question carries the portal's own service assertion. Calls go straight to the endpoint's
/// destinations (this is the portal speaking, not a citizen's browser), with the endpoint's timeout. Redirects are
/// not followed (a 3xx is an agency error, retried), so an assertion never reaches any other address; outside
/// Development a destination must be public (see RequestsModule). Every call is written to the same audit as the
/// gateway's (<see cref="IAgencyCallAudit"/>), so the portal's own calls are on record beside citizens' calls.
/// </summary>
internal sealed class AgencyConnector(
    HttpClient http,
    CatalogReader catalog,
    IIdentityAssertions identity,
    IAgencyEntitlements entitlements,
    IAgencyCallAudit audit,
    TimeProvider clock)
{
    public const int MaxStatusBatch = 500;
    private const int MaxAnswerBytes = 1_048_576;

    public async Task<SubmitOutcome> SubmitAsync(OutgoingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = await catalog.FindApplicationEndpointAsync(request.Agency, cancellationToken);
        if (target is null)
        {
            return new SubmitOutcome.Retry("the agency has no approved application endpoint");
        }

        var citizen = await identity.ForAccountAsync(request.AccountId, request.Acr, request.Amr, cancellationToken);
        if (citizen is null)
        {
            return new SubmitOutcome.Refused("the citizen's account no longer exists");
        }

        var assertion = await identity.IssueAsync(citizen, request.Agency, entitlements.ReceivesNin(request.Agency), request.Reference,
            null, cancellationToken);
        var body = new JsonObject
        {
            ["service"] = request.ServiceCode,
            ["reference"] = request.Reference,
            ["answers"] = JsonNode.Parse(request.Answers),
        };
        using var message = new HttpRequestMessage(HttpMethod.Post, Address(target, request.SubmitPath, request.Id))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        message.Headers.Add(IIdentityAssertions.HeaderName, assertion.Token);
        message.Headers.Add("Idempotency-Key", request.Reference);
        message.Headers.Add("X-Request-Id", request.Reference);
        var call = new CallRecord(audit, clock, target, message, assertion.Subject, request.Reference);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(target.Timeout);
            using var response = await http.SendAsync(message, timeout.Token);
            var text = await ReadBoundedAsync(response, timeout.Token);
            call.Answered(response, text);
            if (response.IsSuccessStatusCode)
            {
                return TryItem(text, out var item, out var problem)
                    ? new SubmitOutcome.Accepted(item!)
                    : new SubmitOutcome.Retry("the agency accepted it but its answer is unusable: " + problem);
            }

            // A redirect is not followed (the citizen's assertion would go with it) and is not a refusal: the agency
            // must answer at its submit path, so it is an agency error, retried like a 5xx.
            var code = (int)response.StatusCode;
            return code is >= 500 or 408 or 429 or (>= 300 and < 400)
                ? new SubmitOutcome.Retry(code is >= 300 and < 400
                    ? $"the agency answered {code} (a redirect, not followed: submit to the registered address itself)"
                    : $"the agency answered {code}")
                : new SubmitOutcome.Refused($"the agency refused it ({code}): {Excerpt(text)}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return new SubmitOutcome.Retry(e is OperationCanceledException ? "the agency did not answer in time" : "the agency could not be reached: " + e.Message);
        }
        finally
        {
            call.Record();
        }
    }

    /// <summary>The agency's answer to a batch status question: the items it gave, or why there are none.</summary>
    public sealed record StatusAnswer(IReadOnlyList<JsonElement> Items, string? Problem, string? Excerpt);

    public async Task<StatusAnswer> StatusAsync(string agency, string statusPath, IReadOnlyList<string> references,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(references);
        var target = await catalog.FindApplicationEndpointAsync(agency, cancellationToken);
        if (target is null)
        {
            return new StatusAnswer([], "the agency has no approved application endpoint", null);
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, Address(target, statusPath, references.Count))
        {
            Content = JsonContent.Create(new { references }),
        };
        message.Headers.Add(IIdentityAssertions.HeaderName, await identity.IssueServiceAssertionAsync(agency, cancellationToken));
        var call = new CallRecord(audit, clock, target, message, null, null);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(target.Timeout);
            using var response = await http.SendAsync(message, timeout.Token);
            var text = await ReadBoundedAsync(response, timeout.Token);
            call.Answered(response, text);
            if (!response.IsSuccessStatusCode)
            {
                return new StatusAnswer([], $"the agency answered {(int)response.StatusCode}", Excerpt(text));
            }

            if (response.Content.Headers.ContentType?.MediaType is not ("application/json" or "application/problem+json"))
            {
                return new StatusAnswer([], $"the agency answered with {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not JSON", Excerpt(text));
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object ||
                    !document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
                {
                    return new StatusAnswer([], "the answer has no items array", Excerpt(text));
                }

                return new StatusAnswer([.. items.EnumerateArray().Select(i => i.Clone())], null, null);
            }
            catch (JsonException)
            {
                return new StatusAnswer([], "the answer is not valid JSON", Excerpt(text));
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or InvalidDataException &&
                                  !cancellationToken.IsCancellationRequested)
        {
            return new StatusAnswer([], e is OperationCanceledException ? "the agency did not answer in time" : e.Message, null);
        }
        finally
        {
            call.Record();
        }
    }

    /// <summary>
    /// One call as the audit keeps it: started when the message is ready, given the status and size of the answer
    /// when one came (status 0 when none did), recorded once whatever happened.
    /// </summary>
    private sealed class CallRecord(IAgencyCallAudit audit, TimeProvider clock, AgencyEndpointTarget target,
        HttpRequestMessage message, string? subject, string? reference)
    {
        private readonly DateTimeOffset _at = clock.GetUtcNow();
        private readonly long _started = clock.GetTimestamp();
        private int _status;
        private long _bytesOut;

        public void Answered(HttpResponseMessage response, string text)
        {
            _status = (int)response.StatusCode;
            _bytesOut = Encoding.UTF8.GetByteCount(text);
        }

        public void Record() => audit.Record(new AgencyCall(
            _at,
            Guid.NewGuid().ToString("N"),
            subject,
            target.Agency,
            target.Name,
            message.Method.Method,
            message.RequestUri?.AbsolutePath ?? "",
            _status,
            (int)clock.GetElapsedTime(_started).TotalMilliseconds,
            message.Content?.Headers.ContentLength ?? 0,
            _bytesOut,
            ClientAddress: null,
            ClientRequestId: reference));
    }

    private static Uri Address(AgencyEndpointTarget target, string path, long spread) =>
        // Several destinations: spread the calls over them (the gateway's health checks guard citizens' calls;
        // a background call that meets a dead destination is simply retried later).
        new(target.Destinations[(int)(Math.Abs(spread) % target.Destinations.Count)], path.TrimStart('/'));

    /// <summary>An agency's answer is read up to 4 MB: a 500-item batch is far below that; more is an error.</summary>
    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        const int limit = 4 * MaxAnswerBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw new InvalidDataException("the agency's answer is larger than 4 MB");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                throw new InvalidDataException("the agency's answer is larger than 4 MB");
            }
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static bool TryItem(string text, out AgencyStatusItem? item, out string? problem)
    {
        item = null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return AgencyStatusItem.TryRead(document.RootElement, out item, out problem, out _);
        }
        catch (JsonException)
        {
            problem = "not valid JSON";
            return false;
        }
    }

    /// <summary>
    /// A short piece of an agency's answer for the error record and the log: at most 300 characters, control
    /// characters (line breaks included) as spaces, so an answer cannot forge log lines.
    /// </summary>
    private static string Excerpt(string text) =>
        string.Create(Math.Min(text.Length, 300), text, (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
}
