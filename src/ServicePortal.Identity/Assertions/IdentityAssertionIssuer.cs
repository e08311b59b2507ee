using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.OpenIdConnect;
using ServicePortal.Identity.Session;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.Assertions;

/// <summary>
/// Tells an agency who the citizen on a request is: a compact JWS (<c>typ</c> <c>portal-identity+jwt</c>, RS256)
/// signed with the provider's current signing key, so the agency verifies it with the same JWKS it would use
/// for the portal's ID tokens. The subject is pairwise for the sector <c>agency:{code}</c>: two agencies
/// cannot join their records on it. The NIN goes only to an agency entitled to it.
/// <para>
/// An RSA signature costs about a millisecond; an assertion lives <see cref="Lifetime"/> and is re-used for
/// the same session and agency while more than half of that is left, so a busy citizen costs one signature per
/// agency every half-minute, not one per request. Which request minted it is in <c>rid</c>; the request at
/// hand is in the <c>X-Request-Id</c> header beside it.
/// </para>
/// </summary>
public sealed class IdentityAssertionIssuer(
    AccountStore accounts,
    PairwiseSubjects subjects,
    IOptionsMonitor<OpenIddictServerOptions> server,
    Microsoft.AspNetCore.Hosting.Server.IServer web,
    TimeProvider clock) : IIdentityAssertions, ICitizenDirectory, IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    /// <summary>Subjects and sessions seen recently: bounded, so a flood of sessions cannot grow it without end.</summary>
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 200_000 });
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string SectorOf(string agencyCode) => "agency:" + agencyCode;

    public async Task<SignedInCitizen?> AuthenticateAsync(HttpContext context, string bearerScope)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            // An app's access token: it must be valid and carry the scope; a cookie beside it does not count.
            var bearer = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
            return bearer is { Succeeded: true, Principal: { } token } && token.HasScope(bearerScope)
                ? await FromAccessTokenAsync(token, context.RequestAborted)
                : null;
        }

        var session = await context.AuthenticateAsync(PortalSession.Scheme);
        if (session is not { Succeeded: true, Principal: { } user } || PortalSession.AccountId(user) is not { } accountId)
        {
            return null;
        }

        // The cookie handler has just checked the security stamp against the account (this node's cached copy,
        // evicted on every change); use that copy.
        var account = context.Items[typeof(Account)] as Account
                      ?? await accounts.FindByIdAsync(accountId, context.RequestAborted);
        if (account is null)
        {
            return null;
        }

        var acr = PortalSession.Acr(user) ?? Assurance.Low;
        var authTime = user.FindFirst(PortalSession.AuthTimeClaim)?.Value ?? "0";
        return new SignedInCitizen(account.Id, account.FullName, account.Nin, acr,
            [.. user.FindAll(PortalSession.AmrClaim).Select(c => c.Value)],
            $"session:{account.Id:N}:{account.SecurityStamp:N}:{authTime}:{acr}");
    }

    public async ValueTask<IssuedAssertion> IssueAsync(SignedInCitizen citizen, string agencyCode, bool includeNin,
        string requestId, HttpContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(citizen);
        var now = clock.GetUtcNow();
        var key = (citizen.SessionKey, agencyCode, includeNin);
        if (_cache.TryGetValue(key, out IssuedAssertion? cached) && cached!.ExpiresAt - now > Lifetime / 2)
        {
            return cached;
        }

        var subject = await SubjectAsync(citizen.AccountId, agencyCode, cancellationToken);
        var credentials = CurrentSigningCredentials(now);
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [Claims.Subject] = subject,
            [Claims.Name] = citizen.Name,
            [Claims.AuthenticationContextReference] = citizen.Acr,
            [Claims.AuthenticationMethodReference] = citizen.Amr.ToArray(),
            [Claims.JwtId] = Guid.NewGuid().ToString("N"),
            ["rid"] = requestId,
        };
        if (includeNin)
        {
            claims[PortalClaims.Nin] = citizen.Nin.Formatted;
        }

        var expires = now + Lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IssuerOf(context),
            Audience = agencyCode,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = credentials,
            TokenType = IIdentityAssertions.TokenType,
        });
        var issued = new IssuedAssertion(token, subject, expires);
        _cache.Set(key, issued, new MemoryCacheEntryOptions { AbsoluteExpiration = expires, Size = 1 });
        return issued;
    }

    public async Task<SignedInCitizen?> ForAccountAsync(Guid accountId, string acr, IReadOnlyList<string> amr,
        CancellationToken cancellationToken)
    {
        var account = await accounts.FindByIdAsync(accountId, cancellationToken);
        return account is null
            ? null
            : new SignedInCitizen(account.Id, account.FullName, account.Nin, acr, amr, $"account:{account.Id:N}:{acr}");
    }

    public ValueTask<string> IssueServiceAssertionAsync(string agencyCode, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var key = ("service", agencyCode);
        if (_cache.TryGetValue(key, out IssuedAssertion? cached) && cached!.ExpiresAt - now > Lifetime / 2)
        {
            return ValueTask.FromResult(cached.Token);
        }

        var expires = now + Lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IssuerOf(null),
            Audience = agencyCode,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [Claims.Subject] = IIdentityAssertions.ServiceSubject,
                [Claims.JwtId] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = CurrentSigningCredentials(now),
            TokenType = IIdentityAssertions.ServiceTokenType,
        });
        _cache.Set(key, new IssuedAssertion(token, IIdentityAssertions.ServiceSubject, expires),
            new MemoryCacheEntryOptions { AbsoluteExpiration = expires, Size = 1 });
        return ValueTask.FromResult(token);
    }

    public async Task<IReadOnlyDictionary<Guid, CitizenContact>> ContactsAsync(IReadOnlyCollection<Guid> accountIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        return await accounts.ContactsAsync(accountIds, cancellationToken);
    }

    public void Dispose() => _cache.Dispose();

    private async Task<SignedInCitizen?> FromAccessTokenAsync(ClaimsPrincipal token, CancellationToken cancellationToken)
    {
        // Access tokens name the person by the client's pairwise subject; an agency's own client-credentials
        // token names no person at all and finds no account here.
        var subject = token.GetClaim(Claims.Subject);
        var tokenId = token.GetTokenId() ?? token.GetClaim(Claims.JwtId);
        if (subject is null || tokenId is null)
        {
            return null;
        }

        var sessionKey = "token:" + tokenId;
        if (_cache.TryGetValue(sessionKey, out SignedInCitizen? known))
        {
            return known;
        }

        var accountId = await subjects.AccountOfAsync(subject, cancellationToken);
        var account = accountId is null ? null : await accounts.FindByIdAsync(accountId.Value, cancellationToken);
        if (account is null)
        {
            return null;
        }

        var citizen = new SignedInCitizen(account.Id, account.FullName, account.Nin,
            token.GetClaim(Claims.AuthenticationContextReference) ?? Assurance.Low,
            [.. token.GetClaims(Claims.AuthenticationMethodReference)], sessionKey);
        var expires = token.GetExpirationDate() ?? clock.GetUtcNow().Add(OidcServer.AccessTokenLifetime);
        _cache.Set(sessionKey, citizen, new MemoryCacheEntryOptions { AbsoluteExpiration = expires, Size = 1 });
        return citizen;
    }

    private async Task<string> SubjectAsync(Guid accountId, string agencyCode, CancellationToken cancellationToken)
    {
        var key = ("subject", accountId, agencyCode);
        if (_cache.TryGetValue(key, out string? subject))
        {
            return subject!;
        }

        subject = await subjects.ForAsync(accountId, SectorOf(agencyCode), cancellationToken);
        if (!string.IsNullOrEmpty(subject))
        {
            // Only a real subject is kept: a missing one would be handed to every later call for half an hour.
            _cache.Set(key, subject, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(30), Size = 1 });
        }

        return subject;
    }

    /// <summary>
    /// The key OpenIddict itself signs with now: the ring's certificates are valid exactly for their active
    /// period, and the options are rebuilt whenever the ring changes.
    /// </summary>
    private SigningCredentials CurrentSigningCredentials(DateTimeOffset now)
    {
        foreach (var credentials in server.CurrentValue.SigningCredentials)
        {
            if (credentials.Key is X509SecurityKey { Certificate: var certificate } key && key.PrivateKey is not null &&
                certificate.NotBefore.ToUniversalTime() <= now.UtcDateTime && now.UtcDateTime < certificate.NotAfter.ToUniversalTime())
            {
                return new SigningCredentials(credentials.Key, SecurityAlgorithms.RsaSha256);
            }
        }

        throw new CryptographicException("No signing key is active; the key ring rotation job should have made one.");
    }

    /// <summary>The provider's issuer: configured (Identity:Issuer), or else the address the request came to.</summary>
    private string IssuerOf(HttpContext? context)
    {
        if (server.CurrentValue.Issuer is { } configured)
        {
            return configured.AbsoluteUri;
        }

        if (context is null)
        {
            // Outside a request (a background job): the address this node listens on. Set Identity:Issuer in
            // production, where nodes sit behind one public address.
            var address = web.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                          ?? throw new InvalidOperationException("Set Identity:Issuer: an assertion made outside a request needs the portal's issuer.");
            return address.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)
                .TrimEnd('/') + "/";
        }

        var request = context.Request;
        return string.Create(CultureInfo.InvariantCulture, $"{request.Scheme}://{request.Host}{request.PathBase}/");
    }
}
