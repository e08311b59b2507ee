using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ServicePortal.Core.Identity;
using ServicePortal.Requests.Applications;
using ServicePortal.Requests.Officers;
using ServicePortal.Requests.Pages.Applications;

namespace ServicePortal.Requests.Api;

/// <summary>
/// The agency officer's workspace for agencies that answer from their own system: <c>GET /api/agency/requests</c>
/// (the same filters and paging as <c>/agency/requests</c>) and <c>GET /api/agency/requests/{reference}</c>, with the
/// client-credentials token of the status push (scope <c>agency.requests</c>, bound to its agency). Another agency's
/// reference is not found (404). Opening one application is recorded in the access log as the agency's system
/// (<see cref="SystemRole"/>), in the same transaction as the read.
/// </summary>
internal static class AgencyRequestsApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>The access log's role for an agency's system (no person: the staff account is <see cref="Guid.Empty"/>).</summary>
    public static string SystemRole(string agency) => Core.Staff.StaffRoles.AgencySystemOf(agency);

    public static IEndpointRouteBuilder MapAgencyRequestsApi(this IEndpointRouteBuilder endpoints)
    {
        var policy = new AuthorizationPolicyBuilder(PortalAuthorization.TokenScheme).RequireAuthenticatedUser().Build();
        endpoints.MapGet("/api/agency/requests", ListAsync).RequireAuthorization(policy);
        endpoints.MapGet("/api/agency/requests/{reference}", FindAsync).RequireAuthorization(policy);
        return endpoints;
    }

    private static string? AgencyOf(ClaimsPrincipal user) =>
        PortalScopes.Granted(user, PortalScopes.AgencyRequests) && user.FindFirstValue(PortalClaims.Agency) is { Length: > 0 } agency
            ? agency
            : null;

    private static IResult NotBound() => Problems.Forbidden("Tokeni haina ruhusa ya agency.requests au haijafungwa na taasisi.",
        "The token does not carry the agency.requests scope or is not bound to an agency.");

    private static async Task<IResult> ListAsync(HttpContext http, AgencyApplications applications, TimeProvider clock, string? status, string? service,
        string? from, string? to, string? q, string? late, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        if (AgencyOf(http.User) is not { } agency)
        {
            return NotBound();
        }

        var (filter, problems) = AgencyApplicationFilter.Read(status, service, from, to, q, late);
        var size = DefaultPageSize;
        if (pageSize is not null && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            problems["pageSize"] = ($"Ukubwa wa ukurasa ni kati ya 1 na {MaxPageSize}.", $"The page size is between 1 and {MaxPageSize}.");
        }

        if (page is not null && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1))
        {
            problems["page"] = ("Ukurasa ni namba kuanzia 1.", "The page is a number from 1.");
        }

        if (problems.Count > 0)
        {
            // An API caller is told, not guessed for: nothing is listed on a filter that could not be read.
            return Problems.Invalid(problems.ToDictionary(p => p.Key, p => new[] { Problems.Both(p.Value.Sw, p.Value.En) }));
        }

        var (items, listed) = await applications.ListAsync([agency], filter, page, size, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return TypedResults.Ok(new
        {
            items = items.Select(a => Item(a, now)),
            page = listed.Number,
            pageSize = size,
            total = listed.Total,
        });
    }

    private static async Task<IResult> FindAsync(HttpContext http, AgencyApplications applications, TimeProvider clock, string reference,
        CancellationToken cancellationToken)
    {
        if (AgencyOf(http.User) is not { } agency)
        {
            return NotBound();
        }

        if (await applications.OpenAsync([agency], reference, Guid.Empty, SystemRole, cancellationToken) is not { } detail)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
                title: Core.Localization.Lang.T("Ombi halipatikani", "Application not found"),
                detail: Problems.Both("Taasisi yako haina ombi lenye namba hiyo.", "Your agency has no application with that reference."),
                type: Problems.NotFoundType);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        return TypedResults.Ok(new
        {
            application = Item(detail.Application, now),
            answers = DetailModel.ParseObject(detail.Answers) ?? new JsonObject(),
            messageSw = detail.MessageSw,
            messageEn = detail.MessageEn,
            paymentControlNumber = detail.PaymentControlNumber,
            amountTzs = detail.AmountTzs,
            timeline = detail.Timeline.Select(e => new
            {
                at = Utc(e.At),
                kind = e.Kind,
                source = e.Source,
                statusFrom = e.StatusFrom,
                statusTo = e.StatusTo,
                messageSw = e.MessageSw,
                messageEn = e.MessageEn,
            }),
        });
    }

    private static object Item(AgencyApplication a, DateTime now) => new
    {
        reference = a.Reference,
        agencyReference = a.AgencyReference,
        serviceCode = a.ServiceCode,
        status = a.Status,
        createdAt = Utc(a.CreatedAt),
        submittedAt = a.SubmittedAt is { } s ? Utc(s) : (DateTimeOffset?)null,
        lastStatusAt = Utc(a.LastStatusAt),
        closedAt = a.ClosedAt is { } c ? Utc(c) : (DateTimeOffset?)null,
        promisedDays = a.PromisedDays,
        promisedByCatalogue = a.PromisedByCatalogue,
        dueAt = Utc(a.DueAt),
        daysTaken = a.DaysTaken(now),
        late = a.Late(now),
    };

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}
