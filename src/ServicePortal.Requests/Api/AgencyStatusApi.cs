using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ServicePortal.Core.Identity;
using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Api;

/// <summary>
/// Push: an agency's backend reports status changes, <c>POST /api/agency/requests/status</c> with a
/// client-credentials token of scope <c>agency.requests</c> bound to its agency, body <c>{ "items": [...] }</c>
/// (at most 500). It goes through the same code as the pulled answers; an agency can only touch its own
/// requests (another agency's reference is simply not found). The answer says, per item, what happened.
/// </summary>
internal static class AgencyStatusApi
{
    private const int MaxBodyBytes = 1_048_576;

    public static IEndpointRouteBuilder MapAgencyStatusApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/agency/requests/status", PushAsync)
            .RequireAuthorization(new AuthorizationPolicyBuilder(PortalAuthorization.TokenScheme).RequireAuthenticatedUser().Build())
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        return endpoints;
    }

    private static async Task<IResult> PushAsync(HttpContext http, StatusUpdates updates, CancellationToken cancellationToken)
    {
        var user = http.User;
        var agency = user.FindFirstValue(PortalClaims.Agency);
        if (!PortalScopes.Granted(user, PortalScopes.AgencyRequests) || string.IsNullOrEmpty(agency))
        {
            return Problems.Forbidden("Tokeni haina ruhusa ya agency.requests au haijafungwa na taasisi.",
                "The token does not carry the agency.requests scope or is not bound to an agency.");
        }

        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "urn:serviceportal:problem:unsupported-media-type",
                "Tuma JSON (application/json).", "Send JSON (application/json).");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, default, cancellationToken);
        }
        catch (JsonException)
        {
            await updates.RecordErrorAsync(agency, "push", null, "the body is not valid JSON", null, cancellationToken);
            return Problems.Invalid(new Dictionary<string, string[]> { ["body"] = [Problems.Both("Mwili si JSON sahihi.", "The body is not valid JSON.")] });
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "urn:serviceportal:problem:too-large",
                "Ombi ni kubwa mno (zaidi ya MB 1).", "The request is too large (over 1 MB).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("items", out var raw) ||
                raw.ValueKind != JsonValueKind.Array || raw.GetArrayLength() is 0 or > 500)
            {
                return Problems.Invalid(new Dictionary<string, string[]>
                {
                    ["items"] = [Problems.Both("Tuma { \"items\": [...] } yenye vipengele 1 hadi 500.", "Send { \"items\": [...] } with 1 to 500 items.")],
                });
            }

            var items = new List<AgencyStatusItem>();
            var results = new List<object>();
            foreach (var element in raw.EnumerateArray())
            {
                if (AgencyStatusItem.TryRead(element, out var item, out var problem, out var reference))
                {
                    items.Add(item!);
                }
                else
                {
                    await updates.RecordErrorAsync(agency, "push", reference, problem!, element.GetRawText(), cancellationToken);
                    results.Add(new { agencyReference = reference, outcome = "invalid", problem });
                }
            }

            var outcomes = await updates.ApplyAsync(agency, items, "push", cancellationToken);
            results.AddRange(outcomes.Select(o => new { agencyReference = o.Reference, outcome = Outcome(o.Outcome), problem = (string?)null }));
            return TypedResults.Ok(new { items = results });
        }
    }

    private static string Outcome(UpdateOutcome outcome) => outcome switch
    {
        UpdateOutcome.Applied => "applied",
        UpdateOutcome.Unchanged => "unchanged",
        UpdateOutcome.NotFound => "not_found",
        _ => "refused",
    };
}
