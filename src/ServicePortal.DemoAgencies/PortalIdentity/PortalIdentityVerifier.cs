using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ServicePortal.DemoAgencies.PortalIdentity;

/// <summary>
/// Checks the <c>Portal-Identity</c> assertion the portal's gateway adds to every request it forwards: a compact JWS,
/// RS256, signed with a key from the portal's JWKS, addressed to this agency, at most a minute long. This is the code
/// agencies are pointed at (docs/agency-integration.md), so every rule of the contract is spelled out here, even
/// where the library would already enforce it.
/// </summary>
/// <remarks>
/// Two kinds of assertion share these rules and differ in <c>typ</c> and claims: a citizen's
/// (<c>portal-identity+jwt</c>, on every endpoint a citizen reaches) and the portal's own
/// (<c>portal-service+jwt</c>, <c>sub</c> <c>serviceportal</c>, no citizen claims) for the few endpoints the portal
/// calls for itself, such as batch status. Each endpoint accepts exactly one kind.
/// </remarks>
public sealed partial class PortalIdentityVerifier(
    PortalKeySet keys,
    IOptions<PortalIdentityOptions> options,
    DemoAgency agency,
    ILogger<PortalIdentityVerifier> logger)
{
    public const string HeaderName = "Portal-Identity";
    public const string TokenType = "portal-identity+jwt";
    public const string ServiceTokenType = "portal-service+jwt";
    public const string ServiceSubject = "serviceportal";
    public const string Algorithm = SecurityAlgorithms.RsaSha256;
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromSeconds(60);

    // Thread-safe and costly to build, so one for all requests. The claims keep their JWT names (sub, not
    // ClaimTypes.NameIdentifier): an agency reads what the contract says, not a .NET mapping of it.
    private static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    // What a citizen's assertion says about the person; the portal's own assertion must carry none of it.
    private static readonly string[] CitizenClaims = ["nin", "name", "acr", "amr"];

    // A request's checks are kept per kind, so an endpoint of one kind never reuses the other kind's answer.
    private static readonly object CitizenCheckKey = typeof(PortalIdentityCheck);
    private static readonly object ServiceCheckKey = typeof(VerifiedPortalService);

    [GeneratedRegex(@"^\d{8}-\d{5}-\d{5}-\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex NinFormat();

    /// <summary>The citizen assertion's <c>typ</c>, or the service assertion's.</summary>
    public static string TypeOf(PortalAssertionKind kind) => kind == PortalAssertionKind.Service ? ServiceTokenType : TokenType;

    /// <summary>
    /// Verifies the request's assertion once per request (later calls, e.g. from an endpoint filter and then the
    /// handler, get the same answer) and logs why a refusal happened, without the token itself.
    /// </summary>
    public Task<PortalIdentityCheck> VerifyAsync(HttpContext context) => VerifyAsync(context, PortalAssertionKind.Citizen);

    /// <inheritdoc cref="VerifyAsync(HttpContext)"/>
    /// <param name="context">The request.</param>
    /// <param name="kind">The kind of assertion this endpoint accepts; the other kind is refused.</param>
    public async Task<PortalIdentityCheck> VerifyAsync(HttpContext context, PortalAssertionKind kind)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Earlier(context, kind) is { } done)
        {
            return done;
        }

        var check = await VerifyAsync(context.Request.Headers[HeaderName], kind, context.RequestAborted);
        context.Items[kind == PortalAssertionKind.Service ? ServiceCheckKey : CitizenCheckKey] = check;
        var requestId = context.Request.Headers["X-Request-Id"].ToString();
        if (check.IsVerified)
        {
            LogVerified(logger, check.TokenId, requestId);
        }
        else
        {
            LogRefused(logger, check.Reason, requestId);
        }

        return check;
    }

    /// <summary>This request's earlier check of <paramref name="kind"/>, if it was made.</summary>
    internal static PortalIdentityCheck? Earlier(HttpContext context, PortalAssertionKind kind) =>
        context.Items.TryGetValue(kind == PortalAssertionKind.Service ? ServiceCheckKey : CitizenCheckKey, out var item)
            ? item as PortalIdentityCheck
            : null;

    /// <summary>Verifies the value(s) of a <c>Portal-Identity</c> header as a citizen's assertion.</summary>
    public Task<PortalIdentityCheck> VerifyAsync(StringValues header, CancellationToken cancellationToken) =>
        VerifyAsync(header, PortalAssertionKind.Citizen, cancellationToken);

    /// <summary>Verifies the value(s) of a <c>Portal-Identity</c> header as an assertion of <paramref name="kind"/>.</summary>
    public async Task<PortalIdentityCheck> VerifyAsync(StringValues header, PortalAssertionKind kind, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.TrustsAPortal)
        {
            return PortalIdentityCheck.Missing(
                "This agency is not configured to trust a portal (DemoAgencies:PortalUrl is not set), so it cannot verify any identity.");
        }

        if (header.Count == 0 || string.IsNullOrWhiteSpace(header[0]))
        {
            return PortalIdentityCheck.Missing("The request carries no Portal-Identity header.");
        }

        if (header.Count > 1)
        {
            return PortalIdentityCheck.Invalid("The request carries more than one Portal-Identity header.");
        }

        JsonWebToken token;
        try
        {
            token = Tokens.ReadJsonWebToken(header[0]!);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            return PortalIdentityCheck.Invalid("The Portal-Identity header is not a compact JWS.");
        }

        // The header is checked before any key is looked up, so junk costs nothing and cannot trigger a JWKS read.
        // Only RS256: "none" would mean no signature at all, and an HMAC algorithm would let anyone who has the
        // portal's public key (everyone) sign with it as if it were a shared secret.
        if (token.IsEncrypted || token.Alg != Algorithm)
        {
            return PortalIdentityCheck.Invalid("The assertion must be signed with RS256; no other algorithm is accepted.");
        }

        // typ keeps a portal token of another kind (an access or ID token, also signed with the JWKS) from being
        // replayed here as an identity assertion, and keeps the two kinds of assertion apart: a citizen's cannot open
        // the portal's batch endpoints, and the portal's own cannot act for a citizen. Media types compare without
        // regard to case (RFC 7515, 4.1.9).
        var expectedType = TypeOf(kind);
        if (!string.Equals(token.Typ, expectedType, StringComparison.OrdinalIgnoreCase))
        {
            return PortalIdentityCheck.Invalid($"The assertion's typ must be '{expectedType}'.");
        }

        if (string.IsNullOrEmpty(token.Kid))
        {
            return PortalIdentityCheck.Invalid("The assertion does not say which portal key signed it (no kid).");
        }

        var key = await keys.FindAsync(token.Kid, cancellationToken);
        if (key is null)
        {
            return PortalIdentityCheck.Invalid(keys.HasKeys
                ? "The assertion is signed with a key (kid) the portal does not publish in its JWKS."
                : "The portal's signing keys could not be read, so no assertion can be verified for now.");
        }

        var result = await Tokens.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            ValidAlgorithms = [Algorithm],
            ValidIssuer = settings.Issuer,
            ValidAudience = agency.Code,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
            // The JWKS is the list of keys the portal vouches for; the validity dates of the certificates in x5c
            // describe when a key signs, and a key is published two days before that.
            ValidateIssuerSigningKey = false,
        });
        if (!result.IsValid)
        {
            return PortalIdentityCheck.Invalid(Explain(result.Exception));
        }

        return CheckContract(token, kind);
    }

    /// <summary>The parts of the contract a generic JWT library does not check.</summary>
    private PortalIdentityCheck CheckContract(JsonWebToken token, PortalAssertionKind kind)
    {
        // An assertion addressed to several agencies could be replayed by any of them to the others.
        if (token.Audiences.Count() != 1)
        {
            return PortalIdentityCheck.Invalid($"The assertion must be addressed to this agency ('{agency.Code}') alone.");
        }

        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat))
        {
            return PortalIdentityCheck.Invalid("The assertion has no iat.");
        }

        // The library checked exp and nbf against the system clock; iat is checked against the same.
        var now = DateTimeOffset.UtcNow;
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        var expiresAt = new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
        if (issuedAt > now + ClockSkew)
        {
            return PortalIdentityCheck.Invalid("The assertion's iat is in the future.");
        }

        // A short life is what makes a leaked assertion nearly worthless; a longer one is not the portal's doing.
        if (expiresAt - issuedAt > MaximumLifetime + ClockSkew)
        {
            return PortalIdentityCheck.Invalid("The assertion lives longer than 60 seconds (exp - iat).");
        }

        var subject = Claim(token, JwtRegisteredClaimNames.Sub);
        var tokenId = Claim(token, JwtRegisteredClaimNames.Jti);
        if (kind == PortalAssertionKind.Service)
        {
            return CheckServiceClaims(token, subject, tokenId, expiresAt);
        }

        var assurance = Claim(token, "acr");
        if (subject is null || tokenId is null || assurance is null)
        {
            return PortalIdentityCheck.Invalid("The assertion lacks one of the required claims sub, jti and acr.");
        }

        var nin = Claim(token, "nin");
        if (nin is not null && !NinFormat().IsMatch(nin))
        {
            return PortalIdentityCheck.Invalid("The assertion's nin is not in the form YYYYMMDD-NNNNN-NNNNN-NN.");
        }

        return PortalIdentityCheck.Verified(new VerifiedIdentity(
            Subject: subject,
            Nin: nin,
            AssuranceLevel: assurance,
            AuthenticationMethods: [.. token.Claims.Where(c => c.Type == "amr").Select(c => c.Value)],
            Name: Claim(token, "name"),
            Issuer: token.Issuer,
            Audience: agency.Code,
            ExpiresAt: expiresAt,
            TokenId: tokenId,
            PortalRequestId: Claim(token, "rid")));
    }

    private PortalIdentityCheck CheckServiceClaims(JsonWebToken token, string? subject, string? tokenId, DateTimeOffset expiresAt)
    {
        if (subject != ServiceSubject || tokenId is null)
        {
            return PortalIdentityCheck.Invalid($"The portal's service assertion must have sub '{ServiceSubject}' and a jti.");
        }

        // Personal data in an assertion that speaks for no citizen is a portal bug, and would leak to every agency.
        if (CitizenClaims.Any(claim => token.TryGetPayloadValue<object>(claim, out _)))
        {
            return PortalIdentityCheck.Invalid("The portal's service assertion must carry no citizen claims (nin, name, acr, amr).");
        }

        return PortalIdentityCheck.Verified(new VerifiedPortalService(
            Subject: subject,
            Issuer: token.Issuer,
            Audience: agency.Code,
            ExpiresAt: expiresAt,
            TokenId: tokenId,
            PortalRequestId: Claim(token, "rid")));
    }

    private static string? Claim(JsonWebToken token, string type) =>
        token.TryGetPayloadValue<string>(type, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>The library's reason, in words a developer at an agency can act on (its messages are for logs).</summary>
    private string Explain(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "The assertion has expired.",
        SecurityTokenNotYetValidException => "The assertion is not valid yet (nbf is in the future).",
        SecurityTokenNoExpirationException => "The assertion has no exp.",
        SecurityTokenInvalidLifetimeException => "The assertion's nbf is after its exp.",
        SecurityTokenInvalidIssuerException => "The assertion was not issued by the portal this agency trusts (iss).",
        SecurityTokenInvalidAudienceException => $"The assertion is addressed to another agency, not to '{agency.Code}' (aud).",
        SecurityTokenInvalidAlgorithmException => "The assertion must be signed with RS256; no other algorithm is accepted.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException =>
            "The assertion's signature does not verify with the portal's key.",
        _ => "The assertion could not be verified.",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Portal-Identity {TokenId} verified for request {RequestId}")]
    private static partial void LogVerified(ILogger logger, string tokenId, string requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Portal-Identity refused for request {RequestId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason, string requestId);
}
