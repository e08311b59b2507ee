using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ServicePortal.Catalog.Browse;
using ServicePortal.Core.Identity;
using ServicePortal.Requests.Applications;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Requests.Api;

/// <summary>
/// The citizen's own apps (bearer access token with scope <c>requests</c>; a browser cookie is not accepted
/// here, so no other site can post in a citizen's name): apply, list, read one with its timeline. Another
/// citizen's reference is 404, never 403. A citizen's applications need the substantial level (password and a
/// second factor): a password-only token is asked to step up (RFC 9470), as the gateway does.
/// </summary>
internal static class CitizenRequestsApi
{
    private const int MaxBodyBytes = 262_144;

    public static IEndpointRouteBuilder MapCitizenRequestsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/me/requests").DisableAntiforgery();
        api.MapPost("", ApplyAsync).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        api.MapGet("", ListAsync);
        api.MapGet("/{reference}", GetAsync);
        return endpoints;
    }

    /// <summary>
    /// The citizen of a bearer access token with the <c>requests</c> scope, and nothing else: a request without exactly
    /// one <c>Authorization: Bearer …</c> header is nobody, whatever cookie comes with it. (Any other header, say
    /// <c>Basic x</c>, would otherwise leave the identity module to fall back on the browser's portal session, and a
    /// page of another site could then post here in the citizen's name.) A token at a level below substantial is
    /// refused with the step-up challenge.
    /// </summary>
    private static async Task<(SignedInCitizen? Citizen, IResult? Refusal)> CitizenAsync(HttpContext http, IIdentityAssertions identity)
    {
        var authorization = http.Request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { } value ||
            !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || value.Length <= "Bearer ".Length)
        {
            return (null, Challenge(http));
        }

        var citizen = await identity.AuthenticateAsync(http, PortalScopes.Requests);
        if (citizen is null)
        {
            return (null, Challenge(http));
        }

        return citizen.Acr == PortalAssurance.Substantial ? (citizen, null) : (null, StepUp(http));
    }

    /// <summary>RFC 9470: the token is good but the sign-in behind it too weak; the app asks for a new one at this level.</summary>
    private static IResult StepUp(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate =
            $"Bearer error=\"insufficient_user_authentication\", error_description=\"A sign-in with two factors is required\", acr_values=\"{PortalAssurance.Substantial}\"";
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
            title: T("Ingia kwa hatua mbili", "Sign in with two steps"),
            detail: T("Maombi yako yanahitaji kuingia kwa nenosiri na namba ya pili (SMS au programu ya uthibitisho).",
                "Your applications need a sign-in with the password and a second code (SMS or authenticator app)."),
            type: "urn:serviceportal:problem:insufficient-user-authentication");
    }

    private static IResult Challenge(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = $"Bearer scope=\"{PortalScopes.Requests}\"";
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
            title: T("Ingia kwanza", "Sign in first"),
            detail: T("Tuma tokeni ya ufikiaji yenye ruhusa ya 'requests'.", "Send an access token with the 'requests' scope."),
            type: "urn:serviceportal:problem:unauthorized");
    }

    private static async Task<IResult> ApplyAsync(HttpContext http, IIdentityAssertions identity, CatalogReader catalog,
        ApplicationValidator validator, RequestStore store, CancellationToken cancellationToken)
    {
        var (citizen, refusal) = await CitizenAsync(http, identity);
        if (citizen is null)
        {
            return refusal!;
        }

        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "urn:serviceportal:problem:unsupported-media-type",
                "Tuma JSON (application/json).", "Send JSON (application/json).");
        }

        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 100)
        {
            return Problems.Invalid(new() { ["Idempotency-Key"] = [T("Idempotency-Key isizidi herufi 100.", "Idempotency-Key must be at most 100 characters.")] });
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return Problems.Invalid(new() { ["body"] = [T("Mwili si JSON sahihi.", "The body is not valid JSON.")] });
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "urn:serviceportal:problem:too-large",
                "Ombi ni kubwa mno.", "The request is too large.");
        }

        var serviceCode = (body as JsonObject)?["serviceCode"] is JsonValue code && code.TryGetValue(out string? text) ? text : null;
        var answers = (body as JsonObject)?["answers"] as JsonObject;
        var service = serviceCode is { Length: <= 80 } ? await catalog.FindServiceAsync(serviceCode, cancellationToken) : null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (service is null || !service.AppliesOnline || service.SubmitPath is null || service.StatusPath is null)
        {
            errors["serviceCode"] = [T("Hakuna huduma inayopokea maombi mtandaoni yenye namba hiyo.", "No service with that code takes applications online.")];
        }

        else if (validator.FormUnavailable(service))
        {
            // The stored form cannot be drawn or checked (the catalogue logged why): not the app's fault.
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "urn:serviceportal:problem:form-unavailable",
                "Fomu ya mtandaoni ya huduma hii haipatikani kwa sasa.", "The online form of this service is not available at the moment.");
        }

        if (answers is null)
        {
            errors["answers"] = [T("Tuma majibu ya fomu kama kitu cha JSON.", "Send the form's answers as a JSON object.")];
        }

        if (errors.Count == 0)
        {
            foreach (var error in validator.Validate(service!, answers!))
            {
                var field = error.Field.Length == 0 ? "answers" : "answers." + error.Field;
                errors[field] = errors.TryGetValue(field, out var known) ? [.. known, error.Message] : [error.Message];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var (request, created) = await store.CreateAsync(new NewRequest(citizen.AccountId, service!.Code, service.Agency.Code,
            (JsonObject)answers!.DeepClone(), key.Length > 0 ? "api:" + key : "api:" + Guid.NewGuid().ToString("N"),
            Current, citizen.Acr, citizen.Amr, service.ProcessingTime.Days, service.SubmitPath!, service.StatusPath!),
            cancellationToken);
        var view = Summary(request);
        return created
            ? TypedResults.Created($"/api/me/requests/{request.Reference}", view)
            : TypedResults.Ok(view);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IIdentityAssertions identity, RequestStore store,
        string? status, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var (citizen, refusal) = await CitizenAsync(http, identity);
        if (citizen is null)
        {
            return refusal!;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (status is not null && !RequestStatus.All.Contains(status))
        {
            errors["status"] = [T($"Hali isiyojulikana. Tumia: {string.Join(", ", RequestStatus.All)}.", $"Unknown status. Use one of: {string.Join(", ", RequestStatus.All)}.")];
        }

        if (page is < 1 or > 10_000)
        {
            errors["page"] = [T("Ukurasa uwe kati ya 1 na 10000.", "page must be between 1 and 10000.")];
        }

        if (pageSize is < 1 or > 100)
        {
            errors["pageSize"] = [T("pageSize iwe kati ya 1 na 100.", "pageSize must be between 1 and 100.")];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var (items, total) = await store.ListAsync(citizen.AccountId, status, page ?? 1, pageSize ?? 20, cancellationToken);
        return TypedResults.Ok(new { items = items.Select(Summary), total, page = page ?? 1, pageSize = pageSize ?? 20 });
    }

    private static async Task<IResult> GetAsync(string reference, HttpContext http, IIdentityAssertions identity, RequestStore store,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (citizen, refusal) = await CitizenAsync(http, identity);
        if (citizen is null)
        {
            return refusal!;
        }

        if (!PortalReference.TryParse(reference, out var parsed) ||
            await store.FindAsync(citizen.AccountId, parsed.Value.Value, cancellationToken) is not { } request)
        {
            return Problems.NotFound();
        }

        var timeline = await store.ListTimelineAsync(request.Id, cancellationToken);
        return TypedResults.Ok(new
        {
            request.Reference,
            request.ServiceCode,
            request.Agency,
            request.Status,
            statusText = RequestStatus.Describe(request.Status),
            request.AgencyReference,
            message = new { sw = request.MessageSw, en = request.MessageEn },
            request.PaymentControlNumber,
            request.AmountTzs,
            correction = request.Correction is null ? null : JsonNode.Parse(request.Correction),
            answers = JsonNode.Parse(request.Answers),
            request.CreatedAt,
            request.UpdatedAt,
            request.DueAt,
            overdue = request.Overdue(clock.GetUtcNow()),
            timeline = timeline.Select(e => new
            {
                e.At,
                e.Kind,
                e.Source,
                from = e.StatusFrom,
                to = e.StatusTo,
                message = new { sw = e.MessageSw, en = e.MessageEn },
            }),
        });
    }

    private static object Summary(RequestView request) => new
    {
        request.Reference,
        request.ServiceCode,
        request.Agency,
        request.Status,
        statusText = RequestStatus.Describe(request.Status),
        request.AgencyReference,
        request.CreatedAt,
        request.UpdatedAt,
        request.DueAt,
    };
}
