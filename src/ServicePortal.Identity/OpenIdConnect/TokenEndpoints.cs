using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Session;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static ServicePortal.Identity.OpenIdConnect.OidcServer;

namespace ServicePortal.Identity.OpenIdConnect;

/// <summary>
/// The token and userinfo endpoints (OpenIddict has already authenticated the client and validated the
/// request when these run). The authorization endpoint is a page (<c>Pages/Connect/Authorize</c>) because it
/// shows consent.
/// </summary>
public static class TokenEndpoints
{
    public static IEndpointRouteBuilder MapOidcEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/connect/token", ExchangeAsync).DisableAntiforgery();
        endpoints.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ExchangeAsync(HttpContext http, AccountStore accounts, PortalSessions sessions,
        IOpenIddictApplicationManager applications, IOpenIddictScopeManager scopes, IOpenIddictTokenManager tokens, TimeProvider clock)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenID Connect request.");
        var cancellationToken = http.RequestAborted;

        if (request.IsClientCredentialsGrantType())
        {
            // An agency backend acting as itself: the subject is the client, bound to its agency.
            var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
                ?? throw new InvalidOperationException("The client was authenticated but cannot be found.");
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.ClientId);
            var properties = await applications.GetPropertiesAsync(application, cancellationToken);
            if (properties.TryGetValue(PortalClaims.Agency, out var agency) && agency.ValueKind == JsonValueKind.String)
            {
                identity.SetClaim(PortalClaims.Agency, agency.GetString());
            }

            identity.SetScopes(request.GetScopes());
            var resources = new List<string>();
            await foreach (var resource in scopes.ListResourcesAsync(identity.GetScopes(), cancellationToken))
            {
                resources.Add(resource);
            }

            identity.SetResources(resources);
            identity.SetDestinations(OidcPrincipals.DestinationsOf);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var principal = result.Principal;
            var account = Guid.TryParse(principal?.GetClaim(OidcPrincipals.AccountIdClaim), out var id)
                ? await accounts.FindByIdAsync(id, cancellationToken)
                : null;
            if (principal is not null && account is not null && !await StillValidAsync(principal, account, sessions, cancellationToken))
            {
                // The password changed, or the person signed out the session this came from, after it was issued.
                // Revoked in the database too (only this one: the client's consent, and tokens issued under it after a
                // new sign-in, stand).
                if (principal.GetTokenId() is { } tokenId && await tokens.FindByIdAsync(tokenId, cancellationToken) is { } token)
                {
                    await tokens.TryRevokeAsync(token, cancellationToken);
                }

                account = null;
            }

            if (principal is null || account is null || account.IsLocked(clock.GetUtcNow()))
            {
                return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme],
                    properties: new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The account can no longer sign in.",
                    }));
            }

            var identity = (ClaimsIdentity)principal.Identity!;
            OidcPrincipals.Refresh(identity, account);
            return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme],
            properties: new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.UnsupportedGrantType,
            }));
    }

    /// <summary>
    /// A code or refresh token stands only while the account's security stamp is the one it was issued under and
    /// the session it came from was not signed out. One issued before the stamp was carried has none: refused, the
    /// app signs the person in again.
    /// </summary>
    private static async Task<bool> StillValidAsync(ClaimsPrincipal principal, Account account, PortalSessions sessions,
        CancellationToken cancellationToken)
    {
        if (principal.GetClaim(OidcPrincipals.StampClaim) is not { } stamp || stamp != account.SecurityStamp.ToString())
        {
            return false;
        }

        return !Guid.TryParse(principal.GetClaim(OidcPrincipals.SessionIdClaim), out var sessionId) ||
               !await sessions.EndedByPersonAsync(sessionId, cancellationToken);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, PairwiseSubjects subjects, AccountStore accounts)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = result.Principal?.GetClaim(Claims.Subject);
        var account = subject is null ? null : await subjects.AccountOfAsync(subject, http.RequestAborted) is { } id
            ? await accounts.FindByIdAsync(id, http.RequestAborted)
            : null;
        if (result.Principal is null || subject is null || account is null)
        {
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme],
                properties: new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token does not name a person.",
                }));
        }

        return Results.Ok(OidcPrincipals.UserInfo(subject, account, result.Principal.GetScopes()));
    }
}
