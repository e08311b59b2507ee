using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;
using OpenIddict.Abstractions;
using ServicePortal.Identity.Accounts;

namespace ServicePortal.Identity.Session;

/// <summary>
/// The password-only level, confined to one authorization request. A client may ask for it
/// (<c>acr_values=urn:serviceportal:loa:low</c>); then the right password gives the browser no portal session but
/// a grant: a random key in a cookie that only <c>/connect/authorize</c> receives (path, five minutes, HTTP-only),
/// bound to a hash of that exact request and spent when the code is issued. Every portal page, the citizen API
/// and the gateway see nobody signed in; another authorization request does not fit it (a request for the
/// higher level steps up to the second factor instead).
/// </summary>
public sealed class PasswordGrants(NpgsqlDataSource dataSource, IdentityCookies cookies, TimeProvider clock)
{
    public const string CookieName = "portal_password_grant";
    public const string CookiePath = "/connect/authorize";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const string AuthorizePrefix = "/connect/authorize?";

    /// <summary>
    /// The hash of the authorization request at this address (the sign-in page's return address), when it asks
    /// for the password level only; otherwise null.
    /// </summary>
    public static byte[]? PasswordLevelRequest(string returnUrl)
    {
        ArgumentNullException.ThrowIfNull(returnUrl);
        if (!returnUrl.StartsWith(AuthorizePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var query = QueryHelpers.ParseQuery(returnUrl[(AuthorizePrefix.Length - 1)..]);
        string Get(string name) => query.TryGetValue(name, out var values) ? values.ToString() : "";
        return Assurance.Required(Get(OpenIddictConstants.Parameters.AcrValues)) != Assurance.Low
            ? null
            : Hash(Get(OpenIddictConstants.Parameters.ClientId), Get(OpenIddictConstants.Parameters.RedirectUri),
                Get(OpenIddictConstants.Parameters.State), Get(OpenIddictConstants.Parameters.Nonce),
                Get(OpenIddictConstants.Parameters.CodeChallenge), Get(OpenIddictConstants.Parameters.CodeChallengeMethod),
                Get(OpenIddictConstants.Parameters.AcrValues), Get(OpenIddictConstants.Parameters.Scope),
                Get(OpenIddictConstants.Parameters.ResponseType));
    }

    /// <summary>The hash of a validated authorization request, to compare with a grant's.</summary>
    public static byte[] HashOf(OpenIddictRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Hash(request.ClientId, request.RedirectUri, request.State, request.Nonce, request.CodeChallenge,
            request.CodeChallengeMethod, request.AcrValues, request.Scope, request.ResponseType);
    }

    /// <summary>Gives this browser a grant of the password level for the request hashed.</summary>
    public async Task IssueAsync(HttpContext http, Account account, byte[] requestHash, string device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(account);
        var key = RandomNumberGenerator.GetBytes(32);
        var now = clock.GetUtcNow();
        await using var command = dataSource.CreateCommand(
            """
            WITH tidy AS (
                DELETE FROM identity.password_grants
                WHERE ctid = ANY (ARRAY(SELECT ctid FROM identity.password_grants WHERE expires_at < $6 - interval '1 day' LIMIT 20))
            )
            INSERT INTO identity.password_grants (key_hash, account_id, security_stamp, request_hash, device, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = SHA256.HashData(key) });
        command.Parameters.Add(new NpgsqlParameter { Value = account.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = account.SecurityStamp });
        command.Parameters.Add(new NpgsqlParameter { Value = requestHash });
        command.Parameters.Add(new NpgsqlParameter { Value = device });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = now + Lifetime });
        await command.ExecuteNonQueryAsync(cancellationToken);
        http.Response.Cookies.Append(CookieName, WebEncoders.Base64UrlEncode(key), cookies.Options(http, CookiePath, Lifetime));
    }

    /// <summary>This browser's grant, when it has one that is unspent and has not expired.</summary>
    public async Task<PasswordGrant?> FindAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (KeyHashOf(http) is not { } keyHash)
        {
            return null;
        }

        await using var command = dataSource.CreateCommand(
            """
            SELECT account_id, security_stamp, request_hash, device, created_at FROM identity.password_grants
            WHERE key_hash = $1 AND consumed_at IS NULL AND expires_at > $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = keyHash });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new PasswordGrant(keyHash, reader.GetGuid(0), reader.GetGuid(1), (byte[])reader[2], reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4))
            : null;
    }

    /// <summary>Spends the grant (once, on whichever node asks first) and removes its cookie. False when already spent.</summary>
    public async Task<bool> SpendAsync(HttpContext http, PasswordGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(grant);
        await using var command = dataSource.CreateCommand(
            "UPDATE identity.password_grants SET consumed_at = $2 WHERE key_hash = $1 AND consumed_at IS NULL AND expires_at > $2");
        command.Parameters.Add(new NpgsqlParameter { Value = grant.KeyHash });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        var spent = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        http.Response.Cookies.Delete(CookieName, cookies.Options(http, CookiePath, TimeSpan.Zero));
        return spent;
    }

    private static byte[]? KeyHashOf(HttpContext http)
    {
        var value = http.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(value) || value.Length > 64)
        {
            return null;
        }

        try
        {
            var key = WebEncoders.Base64UrlDecode(value);
            return key.Length == 32 ? SHA256.HashData(key) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The parts of a request that make it this request, each length-prefixed so none can run into the next.</summary>
    private static byte[] Hash(params string?[] parts)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            var value = part ?? "";
            text.Append(value.Length).Append(':').Append(value).Append('|');
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }
}

/// <summary>A password-level grant: who gave the password, for which request, on which device, when.</summary>
public sealed record PasswordGrant(byte[] KeyHash, Guid AccountId, Guid SecurityStamp, byte[] RequestHash, string Device, DateTimeOffset CreatedAt)
{
    public bool Fits(OpenIddictRequest request) =>
        CryptographicOperations.FixedTimeEquals(RequestHash, PasswordGrants.HashOf(request));
}
