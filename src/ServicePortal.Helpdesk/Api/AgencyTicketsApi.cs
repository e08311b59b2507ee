using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ServicePortal.Core.Identity;
using ServicePortal.Helpdesk.Staff;
using ServicePortal.Helpdesk.Tickets;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Api;

/// <summary>
/// Escalated tickets for agencies that answer from their own system, authenticated as the status push is
/// (<c>POST /api/agency/requests/status</c>): a client-credentials token with scope <c>agency.requests</c> bound to the
/// agency (claim <c>agency</c>). <c>GET /api/agency/tickets</c> lists the agency's escalated tickets with their public
/// conversation (each read written to the access log, as the agency's system); <c>POST
/// /api/agency/tickets/{number}/replies</c> <c>{ "body": "...", "status": "waiting_for_citizen" | "resolved" }</c> answers
/// one, as the officer's page does. Another agency's ticket is 404, as one that does not exist. Errors are RFC 9457
/// problems with both languages.
/// </summary>
internal static class AgencyTicketsApi
{
    public const string NotFoundType = "urn:serviceportal:problem:ticket-not-found";
    public const string InvalidType = "urn:serviceportal:problem:invalid-request";
    public const string ForbiddenType = "urn:serviceportal:problem:forbidden";
    private const int MaxBodyBytes = 65_536;

    public static IEndpointRouteBuilder MapAgencyTicketsApi(this IEndpointRouteBuilder endpoints)
    {
        var policy = new AuthorizationPolicyBuilder(PortalAuthorization.TokenScheme).RequireAuthenticatedUser().Build();
        endpoints.MapGet("/api/agency/tickets", ListAsync).RequireAuthorization(policy);
        endpoints.MapPost("/api/agency/tickets/{number}/replies", ReplyAsync).RequireAuthorization(policy).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        return endpoints;
    }

    /// <summary>An agency system reads as <c>agency_system:&lt;code&gt;</c>; it has no staff account (the empty id).</summary>
    private static StaffActor SystemOf(string agency) => new(Guid.Empty, Core.Staff.StaffRoles.AgencySystemOf(agency));

    private static string? AgencyOf(ClaimsPrincipal user)
    {
        var agency = user.FindFirstValue(PortalClaims.Agency);
        return PortalScopes.Granted(user, PortalScopes.AgencyRequests) && AgencyCode.IsValid(agency) ? agency : null;
    }

    private static async Task<IResult> ListAsync(HttpContext http, StaffTickets tickets, CancellationToken cancellationToken)
    {
        if (AgencyOf(http.User) is not { } agency)
        {
            return Forbidden();
        }

        var items = new List<object>();
        foreach (var ticket in await tickets.ListForAgencyAsync(agency, escalatedOnly: true, 100, cancellationToken))
        {
            if (await tickets.OpenAsync(ticket.Number, SystemOf(agency), agency, includeInternal: false, cancellationToken) is { } opened)
            {
                items.Add(new
                {
                    number = opened.Ticket.Number,
                    category = opened.Ticket.Category,
                    status = opened.Ticket.Status,
                    applicationReference = opened.Ticket.RequestReference,
                    escalatedAt = opened.Ticket.EscalatedAt,
                    language = opened.Ticket.Language,
                    messages = opened.Messages.Select(m => new
                    {
                        author = m.Author == TicketMessage.Citizen ? "citizen" : m.AgencyCode is null ? "helpdesk" : "agency",
                        body = m.Body,
                        at = m.CreatedAt,
                    }),
                });
            }
        }

        return TypedResults.Ok(new { items });
    }

    private static async Task<IResult> ReplyAsync(string number, HttpContext http, StaffTickets tickets, TicketStore store,
        CancellationToken cancellationToken)
    {
        if (AgencyOf(http.User) is not { } agency)
        {
            return Forbidden();
        }

        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "urn:serviceportal:problem:unsupported-media-type",
                "Tuma JSON (application/json).", "Send JSON (application/json).");
        }

        var ticket = await tickets.FindAsync(number, cancellationToken);
        if (ticket is null || ticket.EscalatedAgency != agency || ticket.Status != TicketStatus.Escalated)
        {
            return NotFound();
        }

        string body;
        string status;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, default, cancellationToken);
            var root = document.RootElement;
            body = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String
                ? TicketText.Normalise(b.GetString()) : "";
            status = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()! : TicketStatus.WaitingForCitizen;
        }
        catch (JsonException)
        {
            return Invalid("body", "Mwili si JSON sahihi.", "The body is not valid JSON.");
        }
        catch (BadHttpRequestException)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "urn:serviceportal:problem:too-large",
                "Ombi ni kubwa mno (zaidi ya KB 64).", "The request is too large (over 64 KB).");
        }

        if (!TicketText.IsValid(body))
        {
            return Invalid("body", "Jibu ni herufi 1 hadi 2,000.", "The answer is 1 to 2,000 characters.");
        }

        if (status is not (TicketStatus.WaitingForCitizen or TicketStatus.Resolved))
        {
            return Invalid("status", "Hali ni waiting_for_citizen au resolved.", "The status is waiting_for_citizen or resolved.");
        }

        return await store.AddStaffReplyAsync(ticket.Number, Guid.Empty, body, cancellationToken, status, agency) switch
        {
            TicketReply.Added added => TypedResults.Ok(new { number = added.Ticket.Number, status = added.Ticket.Status }),
            _ => NotFound(),
        };
    }

    private static string Both(string sw, string en) => $"{sw} / {en}";

    private static IResult Forbidden() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: T("Hairuhusiwi", "Forbidden"),
        detail: Both("Tokeni haina ruhusa ya agency.requests au haijafungwa na taasisi.",
            "The token does not carry the agency.requests scope or is not bound to an agency."), type: ForbiddenType);

    private static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: T("Tiketi haipatikani", "Ticket not found"),
        detail: Both("Hakuna tiketi yenye namba hiyo iliyopelekwa kwa taasisi yenu.", "No ticket with that number was escalated to your agency."),
        type: NotFoundType);

    private static IResult Invalid(string field, string sw, string en) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [Both(sw, en)] }, title: T("Ombi si sahihi", "The request is not valid"),
        detail: Both("Rekebisha sehemu zilizotajwa kisha utume tena.", "Correct the fields named below and send it again."), type: InvalidType);

    private static IResult Problem(int status, string type, string sw, string en) =>
        TypedResults.Problem(statusCode: status, title: T(sw, en), detail: Both(sw, en), type: type);
}
