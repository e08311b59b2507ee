using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Localization;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.AccessHistory;

/// <summary>
/// <c>GET /api/me/access-log</c>: "who viewed my data" for the citizen's own app (bearer access token with scope
/// <c>requests</c>, as <c>/api/me/requests</c>; a browser cookie is not accepted). Paged with <c>page</c> (from 1)
/// and <c>pageSize</c> (1 to 100); the same page of both lists.
/// </summary>
internal static class AccessHistoryApi
{
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapAccessHistoryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/me/access-log", ReadAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ReadAsync(HttpContext http, IIdentityAssertions identity, AccessHistoryReader history,
        CancellationToken cancellationToken)
    {
        // Exactly one bearer header: without it the identity module would fall back on the browser's session.
        var authorization = http.Request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { } value ||
            !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || value.Length <= "Bearer ".Length ||
            await identity.AuthenticateAsync(http, PortalScopes.Requests) is not { } citizen)
        {
            http.Response.Headers.WWWAuthenticate = $"Bearer scope=\"{PortalScopes.Requests}\"";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
                title: T("Ingia kwanza", "Sign in first"),
                detail: T("Tuma tokeni ya ufikiaji yenye ruhusa ya 'requests'.", "Send an access token with the 'requests' scope."),
                type: "urn:serviceportal:problem:unauthorized");
        }

        if (!Number(http, "page", 1, AccessHistoryReader.MaxPage, 1, out var page) ||
            !Number(http, "pageSize", 1, MaxPageSize, AccessHistoryReader.PageSize, out var pageSize))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: T("Ukurasa haueleweki", "The page is not understood"),
                detail: T($"'page' ni namba kati ya 1 na {AccessHistoryReader.MaxPage}, na 'pageSize' kati ya 1 na {MaxPageSize}.",
                    $"'page' is a whole number from 1 to {AccessHistoryReader.MaxPage}, and 'pageSize' from 1 to {MaxPageSize}."),
                type: "urn:serviceportal:problem:invalid-page");
        }

        var read = await history.ReadAsync(citizen.AccountId, page, pageSize, cancellationToken);
        return TypedResults.Ok(new
        {
            page = read.Number,
            pageSize = read.Size,
            accesses = read.Accesses.Select(a => new
            {
                at = EastAfricaTime.Iso(a.At),
                office = a.Office,
                role = a.Role,
                action = a.Action,
                reason = a.Reason,
            }),
            moreAccesses = read.MoreAccesses,
            agencyCalls = read.AgencyCalls.Select(c => new { at = EastAfricaTime.Iso(c.At), agency = c.Agency, endpoint = c.Endpoint }),
            moreAgencyCalls = read.MoreAgencyCalls,
        });
    }

    /// <summary>An optional whole number within bounds; anything else (letters, a fraction, twice) is refused.</summary>
    private static bool Number(HttpContext http, string name, int min, int max, int fallback, out int value)
    {
        value = fallback;
        var given = http.Request.Query[name];
        if (given.Count == 0)
        {
            return true;
        }

        return given.Count == 1 &&
               int.TryParse(given[0], NumberStyles.None, CultureInfo.InvariantCulture, out value) &&
               value >= min && value <= max;
    }
}
