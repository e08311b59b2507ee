using System.Collections.Immutable;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Accounts;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static ServicePortal.Identity.OpenIdConnect.OidcServer;

namespace ServicePortal.Identity.OpenIdConnect;

/// <summary>
/// Builds what a client learns about a person, and decides (one switch, <see cref="DestinationsOf"/>) which
/// claim goes into which token. The account id travels only inside the server's own encrypted codes and
/// refresh tokens, never to a client.
/// </summary>
public sealed class OidcPrincipals(PairwiseSubjects subjects, IOpenIddictApplicationManager applications, IOpenIddictScopeManager scopes)
{
    public const string AccountIdClaim = PortalClaims.AccountId;

    /// <summary>
    /// The account's security stamp when the person signed in: the token endpoint refuses a code or refresh token
    /// whose stamp is no longer the account's (a new password, whatever path wrote it).
    /// </summary>
    public const string StampClaim = "portal_stamp";

    /// <summary>The portal session the person signed in with (none for a password-level grant): signing it out ends the refresh tokens.</summary>
    public const string SessionIdClaim = "portal_sid";

    /// <param name="sessionId">The portal session behind this authorization, or null for a password-level grant.</param>
    public async Task<ClaimsIdentity> ForAccountAsync(Account account, object application, ImmutableArray<string> granted,
        string acr, IEnumerable<string> amr, DateTimeOffset authTime, Guid? sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var sector = await SectorOfAsync(application, cancellationToken);
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, await subjects.ForAsync(account.Id, sector, cancellationToken))
            .SetClaim(AccountIdClaim, account.Id.ToString())
            .SetClaim(Claims.AuthenticationContextReference, acr)
            .SetClaims(Claims.AuthenticationMethodReference, [.. amr.Distinct()])
            .SetClaim(Claims.AuthenticationTime, authTime.ToUnixTimeSeconds())
            .SetClaim(StampClaim, account.SecurityStamp.ToString());
        if (sessionId is { } sid)
        {
            identity.SetClaim(SessionIdClaim, sid.ToString());
        }

        AddProfile(identity, account, granted);
        identity.SetScopes(granted);
        identity.SetResources(await ToListAsync(scopes.ListResourcesAsync(granted, cancellationToken)));
        identity.SetDestinations(DestinationsOf);
        return identity;
    }

    /// <summary>Refreshes the person's details in a principal taken from a code or refresh token.</summary>
    public static void Refresh(ClaimsIdentity identity, Account account)
    {
        ArgumentNullException.ThrowIfNull(identity);
        foreach (var type in new[] { Claims.Name, Claims.GivenName, Claims.FamilyName, Claims.MiddleName, Claims.Birthdate,
                     Claims.PhoneNumber, Claims.PhoneNumberVerified, Claims.Email, PortalClaims.Nin })
        {
            identity.RemoveClaims(type);
        }

        AddProfile(identity, account, identity.GetScopes());
        identity.SetDestinations(DestinationsOf);
    }

    /// <summary>What the userinfo endpoint returns for the scopes an access token carries.</summary>
    public static Dictionary<string, object> UserInfo(string subject, Account account, ImmutableArray<string> granted)
    {
        ArgumentNullException.ThrowIfNull(account);
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = subject };
        if (granted.Contains(Scopes.Profile))
        {
            claims[Claims.Name] = account.FullName;
            claims[Claims.GivenName] = account.FirstName;
            claims[Claims.FamilyName] = account.LastName;
            if (account.MiddleName is not null)
            {
                claims[Claims.MiddleName] = account.MiddleName;
            }

            claims[Claims.Birthdate] = account.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        if (granted.Contains(Scopes.Phone))
        {
            claims[Claims.PhoneNumber] = account.Phone;
            claims[Claims.PhoneNumberVerified] = true;
        }

        if (granted.Contains(Scopes.Email) && account.Email is not null)
        {
            claims[Claims.Email] = account.Email;
        }

        if (granted.Contains(PortalScopes.NationalId))
        {
            claims[PortalClaims.Nin] = account.Nin.Digits;
        }

        return claims;
    }

    /// <summary>The client's sector (<see cref="PairwiseSubjects.SectorOf"/>): its configured <c>sector</c>, else the client itself.</summary>
    public async Task<string> SectorOfAsync(object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        var configured = properties.TryGetValue("sector", out var sector) && sector.ValueKind == JsonValueKind.String ? sector.GetString() : null;
        var clientId = await applications.GetClientIdAsync(application, cancellationToken)
                       ?? throw new InvalidOperationException("An OpenIddict application without a client id.");
        return PairwiseSubjects.SectorOf(configured, clientId);
    }

    private static void AddProfile(ClaimsIdentity identity, Account account, ImmutableArray<string> granted)
    {
        foreach (var (type, value) in UserInfo("", account, granted).Where(c => c.Key != Claims.Subject))
        {
            if (value is bool flag)
            {
                identity.SetClaim(type, flag);
            }
            else
            {
                identity.SetClaim(type, (string)value);
            }
        }
    }

    /// <summary>Which token each claim goes into. Anything not named here goes into none.</summary>
    public static IEnumerable<string> DestinationsOf(Claim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        switch (claim.Type)
        {
            // How the person signed in matters to the ID token (the client) and the access token (the APIs).
            case Claims.AuthenticationContextReference or Claims.AuthenticationMethodReference or Claims.AuthenticationTime:
                yield return Destinations.AccessToken;
                yield return Destinations.IdentityToken;
                yield break;

            // An agency client's agency: its APIs need it to bind the token to one agency.
            case PortalClaims.Agency:
                yield return Destinations.AccessToken;
                yield break;

            // Personal details only in the ID token, and only for the scopes granted (checked when added).
            case Claims.Name or Claims.GivenName or Claims.FamilyName or Claims.MiddleName or Claims.Birthdate
                or Claims.PhoneNumber or Claims.PhoneNumberVerified or Claims.Email or PortalClaims.Nin:
                yield return Destinations.IdentityToken;
                yield break;

            // The account id, its stamp, the session id and everything else stay on the server (in the encrypted
            // codes and refresh tokens only).
            default:
                yield break;
        }
    }

    private static async Task<List<string>> ToListAsync(IAsyncEnumerable<string> source)
    {
        var list = new List<string>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
