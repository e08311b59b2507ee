using System.Globalization;
using System.Text.Json;

namespace ServicePortal.DemoAgencies.Applications;

/// <summary>How the agency misbehaves, for testing the portal against a failing, slow or broken agency.</summary>
public enum DemoMode
{
    /// <summary>Answers as the contract says.</summary>
    Normal,

    /// <summary>Every submit and status call answers 503.</summary>
    Fail,

    /// <summary>Submit and status calls wait <c>delayMs</c> before answering.</summary>
    Slow,

    /// <summary>Status calls answer 200 with broken JSON, items missing fields, or unknown statuses, in turn.</summary>
    Malformed,
}

/// <summary>The current <see cref="DemoMode"/> of one agency, changed by <c>POST /_demo/behaviour</c>.</summary>
public sealed class DemoBehaviour
{
    public const int MaxDelayMs = 120_000;

    // Replaced whole, so a request reads the mode and its delay together.
    private volatile Setting _current = new(DemoMode.Normal, 0);
    private int _malformedAnswers;

    public sealed record Setting(DemoMode Mode, int DelayMs);

    public Setting Current => _current;

    public void Set(Setting setting) => _current = setting;

    /// <summary>Which kind of malformed answer comes next: 0 broken JSON, 1 missing fields, 2 unknown statuses.</summary>
    public int NextMalformedVariant() => (int)((uint)Interlocked.Increment(ref _malformedAnswers) - 1) % 3;

    /// <summary>The endpoint filter in front of submit and status: fails or waits as the mode says.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(next);
        var setting = invocation.HttpContext.RequestServices.GetRequiredService<DemoBehaviour>().Current;
        switch (setting.Mode)
        {
            case DemoMode.Fail:
                invocation.HttpContext.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Agency unavailable",
                    detail: "The agency's system is not answering for now (demo mode 'fail'). Try again later.",
                    type: ApplicationProblems.UnavailableType);
            case DemoMode.Slow when setting.DelayMs > 0:
                await Task.Delay(setting.DelayMs, invocation.HttpContext.RequestAborted);
                break;
        }

        return await next(invocation);
    }

    /// <summary>The three kinds of malformed batch-status answer, for the references asked about.</summary>
    public static string MalformedAnswer(int variant, IReadOnlyList<string> references, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(references);
        var first = references.Count > 0 ? references[0] : "UNKNOWN";
        switch (variant)
        {
            case 0:
                // Cut off in the middle of a string, as a proxy that drops the connection would leave it.
                return "{\"items\":[{\"agencyReference\":" + JsonSerializer.Serialize(first) + ",\"status\":\"under_rev";
            case 1:
                return JsonSerializer.Serialize(new
                {
                    items = references.Select(reference => new { agencyReference = reference }),
                });
            default:
                return JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["items"] = references.Select(reference => new Dictionary<string, object>
                    {
                        ["agencyReference"] = reference,
                        ["status"] = "awaiting_headquarters_signature",
                        ["message_sw"] = "Ombi lako linasubiri sahihi ya makao makuu.",
                        ["message_en"] = "Your application is waiting for a signature at headquarters.",
                        ["updatedAt"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                        ["version"] = 99,
                    }),
                });
        }
    }
}

/// <summary>
/// The credential of a demo agency's test controls (<c>/_demo</c>): a random token made for each run of the demo
/// agencies, or <c>DemoAgencies:ControlToken</c> (at least 32 characters) when a test or a script needs to know it
/// in advance. Not the caller's address: the portal's gateway calls its agencies from the same machine, so "only
/// from loopback" would let any citizen reach the controls through <c>/agencies/…</c>.
/// </summary>
public sealed class DemoControl
{
    public const string Setting = "DemoAgencies:ControlToken";
    public const int MinLength = 32;

    private readonly byte[] _token;

    public DemoControl(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length < MinLength)
        {
            throw new InvalidOperationException($"{Setting} must be at least {MinLength} characters long (or left out: a random one is made).");
        }

        Token = token;
        _token = System.Text.Encoding.UTF8.GetBytes(token);
    }

    /// <summary>Sent as <c>Authorization: Bearer {token}</c>.</summary>
    public string Token { get; }

    /// <summary>A new random token (256 bits, base64url).</summary>
    public static string NewToken() => Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether the request carries this token (compared in constant time).</summary>
    public bool Allows(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        var given = System.Text.Encoding.UTF8.GetBytes(value[7..].Trim());
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(given, _token);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// <c>/_demo</c>: the test controls of a demo agency. Only with the run's control token (<see cref="DemoControl"/>):
/// anyone else gets 404, as if the endpoints did not exist. Through the portal's gateway they are out of reach
/// twice over: the gateway never forwards a client's <c>Authorization</c> header.
/// </summary>
internal static class DemoControlApi
{
    public sealed record BehaviourRequest(string? Mode, int? DelayMs);

    public sealed record BehaviourAnswer(string Mode, int DelayMs);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var demo = endpoints.MapGroup("/_demo").AddEndpointFilter(async (invocation, next) =>
            invocation.HttpContext.RequestServices.GetRequiredService<DemoControl>().Allows(invocation.HttpContext.Request)
                ? await next(invocation)
                : TypedResults.NotFound());

        demo.MapPost("/behaviour", (BehaviourRequest request, DemoBehaviour behaviour) =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var mode = Parse(request.Mode);
            if (mode is null)
            {
                errors["mode"] = ["Must be one of normal, fail, slow, malformed."];
            }

            var delay = request.DelayMs ?? 0;
            if (delay is < 0 or > DemoBehaviour.MaxDelayMs)
            {
                errors["delayMs"] = [$"Must be between 0 and {DemoBehaviour.MaxDelayMs}."];
            }

            if (errors.Count > 0)
            {
                return (IResult)TypedResults.ValidationProblem(errors, title: "Invalid demo behaviour", type: ApplicationProblems.InvalidType);
            }

            behaviour.Set(new DemoBehaviour.Setting(mode!.Value, delay));
            return TypedResults.Ok(new BehaviourAnswer(request.Mode!, delay));
        });

        // One application as the agency holds it: its status item now, plus what was submitted and the path it takes.
        demo.MapGet("/applications/{agencyReference}", (string agencyReference, ApplicationRegistry registry, StatusItemWriter items) =>
            registry.Find(agencyReference) is { } application
                ? new JsonWriterResult(StatusCodes.Status200OK, writer =>
                {
                    writer.WriteStartObject();
                    items.WriteFields(writer, application, registry.Now, registry.Step);
                    writer.WriteString("service", application.Service.Code);
                    writer.WriteString("reference", application.PortalReference);
                    writer.WriteString("subject", application.Subject);
                    writer.WriteString("idempotencyKey", application.IdempotencyKey);
                    writer.WriteString("submittedAt", application.ReceivedAt.UtcDateTime);
                    writer.WriteStartArray("path");
                    foreach (var status in application.Path)
                    {
                        writer.WriteStringValue(ApplicationLifecycle.WireName(status));
                    }

                    writer.WriteEndArray();
                    writer.WritePropertyName("answers");
                    application.Answers.WriteTo(writer);
                    writer.WriteEndObject();
                })
                : ApplicationProblems.UnknownApplication(agencyReference));
    }

    private static DemoMode? Parse(string? mode) => mode switch
    {
        "normal" => DemoMode.Normal,
        "fail" => DemoMode.Fail,
        "slow" => DemoMode.Slow,
        "malformed" => DemoMode.Malformed,
        _ => null,
    };

}
