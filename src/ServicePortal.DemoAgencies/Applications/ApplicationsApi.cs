using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServicePortal.DemoAgencies.PortalIdentity;

namespace ServicePortal.DemoAgencies.Applications;

/// <summary>
/// The portal's application contract, as an agency implements it (docs/agency-integration.md, "Applications and
/// status"): <c>POST {submitPath}</c> per service, for a citizen; <c>POST {statusPath}</c> for the portal's status
/// job, many references at once. Every answer is a status item or an RFC 9457 problem.
/// </summary>
public static partial class ApplicationsApi
{
    public const int MaxBodyBytes = 256 * 1024;
    public const int MaxReferences = 500;
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyFormat();

    public static IServiceCollection AddApplicationContract(
        this IServiceCollection services, IConfiguration configuration, ApplicationCatalogue catalogue)
    {
        services.AddOptions<ApplicationLifecycleOptions>()
            .Bind(configuration.GetSection(PortalIdentityOptions.Section))
            .Validate(ApplicationLifecycleOptions.IsValid,
                "DemoAgencies:LifecycleStep must be a positive duration of at most one day, e.g. 00:00:08.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(catalogue);
        services.AddSingleton<ApplicationRegistry>();
        services.AddSingleton<StatusItemWriter>();
        services.AddSingleton<DemoBehaviour>();
        return services;
    }

    public static IEndpointRouteBuilder MapApplicationContract(this IEndpointRouteBuilder endpoints, ApplicationCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        for (var index = 0; index < catalogue.Services.Count; index++)
        {
            var serviceIndex = index;
            // The demo behaviour comes first, so a 'failing' agency fails whoever calls it, as a real outage does.
            endpoints.MapPost(catalogue.Services[index].SubmitPath,
                    (HttpContext context, ApplicationRegistry registry, StatusItemWriter items) =>
                        SubmitAsync(context, serviceIndex, catalogue, registry, items))
                .AddEndpointFilter(DemoBehaviour.Filter)
                .RequirePortalIdentity();
        }

        endpoints.MapPost(catalogue.StatusPath, StatusAsync)
            .AddEndpointFilter(DemoBehaviour.Filter)
            .RequirePortalService();
        DemoControlApi.Map(endpoints);
        return endpoints;
    }

    /// <summary>
    /// A citizen's application: 201 with its status item, or 200 with the same item when this citizen already sent
    /// this <c>Idempotency-Key</c> (the portal retrying after a timeout).
    /// </summary>
    private static async Task<IResult> SubmitAsync(
        HttpContext context, int serviceIndex, ApplicationCatalogue catalogue, ApplicationRegistry registry, StatusItemWriter items)
    {
        var key = context.Request.Headers[IdempotencyKeyHeader];
        var (document, problem) = await ReadJsonAsync(context.Request);
        using var parsed = document;
        if (problem is not null)
        {
            return problem;
        }

        if (key.Count != 1 || !KeyFormat().IsMatch(key[0] ?? ""))
        {
            return ApplicationProblems.BadIdempotencyKey(key.Count == 0);
        }

        var service = catalogue.Services[serviceIndex];
        var root = document!.RootElement;
        var errors = Validate(root, service, catalogue);
        if (errors.Count > 0)
        {
            return ApplicationProblems.Invalid(errors);
        }

        var reference = root.GetProperty("reference").GetString()!;
        var subject = context.GetVerifiedIdentity().Subject;
        var (application, created) = registry.Submit(serviceIndex, reference, subject, key[0]!, root.GetProperty("answers"));
        if (!created && (application.ServiceIndex != serviceIndex || application.PortalReference != reference))
        {
            return ApplicationProblems.KeyReused(key[0]!, application.Service.Code, application.PortalReference);
        }

        var now = registry.Now;
        return new JsonWriterResult(created ? StatusCodes.Status201Created : StatusCodes.Status200OK,
            writer => items.Write(writer, application, now, registry.Step));
    }

    /// <summary>The status of up to 500 applications, one item per reference, in the order asked.</summary>
    private static async Task<IResult> StatusAsync(
        HttpContext context, ApplicationRegistry registry, StatusItemWriter items, DemoBehaviour behaviour, ApplicationCatalogue catalogue)
    {
        var (document, problem) = await ReadJsonAsync(context.Request);
        using var parsed = document;
        if (problem is not null)
        {
            return problem;
        }

        var root = document!.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("references", out var list) ||
            list.ValueKind != JsonValueKind.Array)
        {
            return ApplicationProblems.Invalid(new() { ["references"] = ["Required: an array of 1 to 500 agency references."] });
        }

        var count = list.GetArrayLength();
        if (count is 0 or > MaxReferences)
        {
            return ApplicationProblems.Invalid(new()
            {
                ["references"] = [$"Between 1 and {MaxReferences} references per call; this one has {count}."],
            });
        }

        var references = new string[count];
        var position = 0;
        foreach (var element in list.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.String || element.GetString() is not { Length: > 0 and <= 64 } reference)
            {
                return ApplicationProblems.Invalid(new() { [$"references[{position}]"] = ["Must be an agency reference (a string)."] });
            }

            references[position++] = reference;
        }

        var now = registry.Now;
        if (behaviour.Current.Mode == DemoMode.Malformed)
        {
            return Results.Text(DemoBehaviour.MalformedAnswer(behaviour.NextMalformedVariant(), references, now), "application/json");
        }

        var step = registry.Step;
        return new JsonWriterResult(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            foreach (var reference in references)
            {
                if ((registry.Find(reference) ?? (catalogue.AdoptsUnknownReferences ? registry.Adopt(reference, now) : null)) is { } application)
                {
                    items.Write(writer, application, now, step);
                }
                else
                {
                    StatusItemWriter.WriteNotFound(writer, reference);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// The minimal checks an agency makes itself (the portal has validated the form against its JSON Schema already):
    /// the service is this path's, the reference is there, and every required answer is present and not blank.
    /// </summary>
    private static Dictionary<string, string[]> Validate(JsonElement root, ApplicationService service, ApplicationCatalogue catalogue)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors[""] = ["The body must be a JSON object with service, reference and answers."];
            return errors;
        }

        var code = root.TryGetProperty("service", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (code is null)
        {
            errors["service"] = [$"Required: the service code, here '{service.Code}'."];
        }
        else if (code != service.Code)
        {
            var other = catalogue.Services.FirstOrDefault(candidate => candidate.Code == code);
            errors["service"] = [other is null
                ? $"'{code}' is not a service of this agency."
                : $"'{code}' is submitted at {other.SubmitPath}; this path is for '{service.Code}'."];
        }

        if (!root.TryGetProperty("reference", out var reference) || reference.ValueKind != JsonValueKind.String ||
            !KeyFormat().IsMatch(reference.GetString()!))
        {
            errors["reference"] = ["Required: the portal's reference, 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':', '-'."];
        }

        if (!root.TryGetProperty("answers", out var answers) || answers.ValueKind != JsonValueKind.Object)
        {
            errors["answers"] = ["Required: the form's answers, as a JSON object."];
            return errors;
        }

        foreach (var field in service.RequiredAnswers)
        {
            if (!answers.TryGetProperty(field, out var answer) || answer.ValueKind is JsonValueKind.Null ||
                (answer.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(answer.GetString())) ||
                (answer.ValueKind == JsonValueKind.Array && answer.GetArrayLength() == 0))
            {
                errors[$"answers.{field}"] = ["Required."];
            }
        }

        return errors;
    }

    /// <summary>
    /// The body as JSON, or the problem that stops it: 415 if it is not declared JSON, 413 past 256 KB (whether or
    /// not a Content-Length announced it), 400 if it does not parse.
    /// </summary>
    private static async Task<(JsonDocument? Document, IResult? Problem)> ReadJsonAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            return (null, ApplicationProblems.UnsupportedMediaType(request.ContentType));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, ApplicationProblems.TooLarge());
        }

        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(request.HttpContext.RequestAborted);
            var buffer = read.Buffer;
            if (buffer.Length > MaxBodyBytes)
            {
                reader.AdvanceTo(buffer.End);
                return (null, ApplicationProblems.TooLarge());
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                // Copied out, so the document does not outlive the pipe's buffer it would otherwise point into.
                var body = buffer.IsSingleSegment ? buffer.FirstSpan.ToArray() : System.Buffers.BuffersExtensions.ToArray(buffer);
                reader.AdvanceTo(buffer.End);
                try
                {
                    return (JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 }), null);
                }
                catch (JsonException)
                {
                    return (null, ApplicationProblems.NotJson());
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}

/// <summary>The contract's RFC 9457 problems; each <c>type</c> is stable, for the portal to act on.</summary>
public static class ApplicationProblems
{
    public const string InvalidType = "urn:serviceportal:problem:application-invalid";
    public const string IdempotencyKeyType = "urn:serviceportal:problem:idempotency-key-invalid";
    public const string IdempotencyKeyReusedType = "urn:serviceportal:problem:idempotency-key-reused";
    public const string UnsupportedMediaTypeType = "urn:serviceportal:problem:unsupported-media-type";
    public const string TooLargeType = "urn:serviceportal:problem:payload-too-large";
    public const string NotJsonType = "urn:serviceportal:problem:malformed-json";
    public const string UnknownApplicationType = "urn:serviceportal:problem:application-not-found";
    public const string UnavailableType = "urn:serviceportal:problem:agency-unavailable";

    public static IResult Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors,
            title: "The application is not valid",
            detail: "See errors: each names the field (answers.<field> for a form answer) and what is wrong with it.",
            type: InvalidType);

    public static IResult BadIdempotencyKey(bool missing) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                [ApplicationsApi.IdempotencyKeyHeader] = [missing
                    ? "Required: the portal's request id, 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':', '-'."
                    : "Must be one header of 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':', '-'."],
            },
            title: missing ? "Idempotency-Key missing" : "Idempotency-Key invalid",
            detail: "Every submission carries an Idempotency-Key, so that a retry never makes a second application.",
            type: IdempotencyKeyType);

    public static IResult KeyReused(string key, string service, string reference) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Idempotency-Key already used for another application",
            detail: $"The key '{key}' was used for {service} with reference {reference}; a retry must send the same application.",
            type: IdempotencyKeyReusedType);

    public static IResult UnsupportedMediaType(string? contentType) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type",
            detail: $"The body must be application/json, not '{contentType ?? "(none)"}'.",
            type: UnsupportedMediaTypeType);

    public static IResult TooLarge() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Body too large",
            detail: $"The body must be at most {ApplicationsApi.MaxBodyBytes / 1024} KB.",
            type: TooLargeType);

    public static IResult NotJson() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Malformed JSON",
            detail: "The body is not well-formed JSON.",
            type: NotJsonType);

    public static IResult UnknownApplication(string agencyReference) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "No such application",
            detail: $"This agency has no application {agencyReference}.",
            type: UnknownApplicationType);
}

/// <summary>A JSON answer written by hand with a <see cref="Utf8JsonWriter"/> straight into the response.</summary>
internal sealed class JsonWriterResult(int statusCode, Action<Utf8JsonWriter> write) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await using (var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, StatusItemWriter.WriterOptions))
        {
            write(writer);
        }

        await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
