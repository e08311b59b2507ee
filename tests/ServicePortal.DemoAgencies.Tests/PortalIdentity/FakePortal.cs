using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ServicePortal.DemoAgencies.Tests.PortalIdentity;

/// <summary>A portal key pair the test controls: its kid and the RSA key (with the private part) behind it.</summary>
internal sealed class PortalKey(string kid) : IDisposable
{
    public string Kid { get; } = kid;
    public RSA Rsa { get; } = RSA.Create(2048);

    public void Dispose() => Rsa.Dispose();
}

/// <summary>What goes into an assertion; each test changes the one thing it is about.</summary>
internal sealed record Assertion(
    string Audience,
    string? Issuer = null,
    string Type = "portal-identity+jwt",
    DateTimeOffset? IssuedAt = null,
    TimeSpan? Lifetime = null,
    string? Nin = "19900415-11111-00001-23",
    string? Subject = null);

/// <summary>What goes into the portal's own assertion (batch status); each test changes the one thing it is about.</summary>
internal sealed record ServiceAssertion(
    string Audience,
    string Type = "portal-service+jwt",
    string Subject = "serviceportal",
    bool WithCitizenClaims = false);

/// <summary>
/// Stands in for the portal: serves <c>/.well-known/jwks</c> from a real Kestrel on a loopback port (as OpenIddict
/// does: signing keys with x5c and an encryption key beside them), counts how often it is read, and mints
/// assertions the way the gateway does.
/// </summary>
internal sealed class FakePortal : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<PortalKey> _published = [];
    private readonly PortalKey _encryptionKey = new("enc-" + Guid.NewGuid().ToString("N"));
    private int _jwksReads;

    private FakePortal(WebApplication app) => _app = app;

    public Uri Url => DemoAgencyHost.BaseAddress(_app);

    /// <summary>The issuer the agency expects by default: the portal's address with a trailing slash.</summary>
    public string Issuer => Url.ToString();

    public int JwksReads => Volatile.Read(ref _jwksReads);

    public PortalKey EncryptionKey => _encryptionKey;

    public static async Task<FakePortal> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var portal = new FakePortal(app);
        app.MapGet("/.well-known/jwks", () =>
        {
            Interlocked.Increment(ref portal._jwksReads);
            return Results.Text(portal.JwksJson(), "application/json");
        });
        await app.StartAsync();
        return portal;
    }

    /// <summary>Generates a signing key and publishes it in the JWKS.</summary>
    public PortalKey Publish()
    {
        var key = new PortalKey("sig-" + Guid.NewGuid().ToString("N"));
        lock (_published)
        {
            _published.Add(key);
        }

        return key;
    }

    public static string Mint(PortalKey key, Assertion assertion, string? issuer = null) =>
        Mint(new SigningCredentials(new RsaSecurityKey(key.Rsa) { KeyId = key.Kid }, SecurityAlgorithms.RsaSha256), assertion, issuer);

    public static string Mint(SigningCredentials credentials, Assertion assertion, string? issuer)
    {
        var issuedAt = assertion.IssuedAt ?? DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = assertion.Subject ?? "pairwise-" + assertion.Audience + "-7f3a9c",
            ["acr"] = "urn:serviceportal:loa:substantial",
            ["amr"] = new[] { "pwd", "sms" },
            ["name"] = "Amina Hassan Mwakyusa",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["rid"] = "minting-request-1",
        };
        if (assertion.Nin is not null)
        {
            claims["nin"] = assertion.Nin;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = assertion.Issuer ?? issuer,
            Audience = assertion.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = (issuedAt + (assertion.Lifetime ?? TimeSpan.FromSeconds(60))).UtcDateTime,
            TokenType = assertion.Type,
            Claims = claims,
            SigningCredentials = credentials,
        });
    }

    /// <summary>The portal's own assertion, as its status job sends it: no citizen behind it, no citizen claims.</summary>
    public static string Mint(PortalKey key, ServiceAssertion assertion, string issuer)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(assertion);
        var issuedAt = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = assertion.Subject,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["rid"] = "status-sync-1",
        };
        if (assertion.WithCitizenClaims)
        {
            claims["nin"] = "19900415-11111-00001-23";
            claims["name"] = "Amina Hassan Mwakyusa";
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = assertion.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = issuedAt.AddSeconds(60).UtcDateTime,
            TokenType = assertion.Type,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key.Rsa) { KeyId = key.Kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A compact JWS with whatever header the test wants and the given signature bytes.</summary>
    public static string Raw(object header, object payload, string signature = "") =>
        $"{Encode(header)}.{Encode(payload)}.{signature}";

    private static string Encode(object part) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(part));

    private string JwksJson()
    {
        List<object> keys;
        lock (_published)
        {
            keys = [.. _published.Select(key => Jwk(key, "sig", "RS256", withCertificate: true))];
        }

        keys.Add(Jwk(_encryptionKey, "enc", "RSA-OAEP", withCertificate: false));
        return JsonSerializer.Serialize(new { keys });
    }

    private static Dictionary<string, object> Jwk(PortalKey key, string use, string alg, bool withCertificate)
    {
        var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new Dictionary<string, object>
        {
            ["kty"] = "RSA",
            ["use"] = use,
            ["alg"] = alg,
            ["kid"] = key.Kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (withCertificate)
        {
            // Like the portal's key ring: a self-signed certificate whose validity is the key's active period,
            // which starts after the key is published.
            var request = new CertificateRequest("CN=ServicePortal signing key", key.Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(2), DateTimeOffset.UtcNow.AddDays(92));
            jwk["x5c"] = new[] { Convert.ToBase64String(certificate.RawData) };
        }

        return jwk;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _encryptionKey.Dispose();
        lock (_published)
        {
            _published.ForEach(key => key.Dispose());
        }
    }
}

/// <summary>
/// The system clock moved forward on request (or, frozen, a clock that moves only then): lets a test pass the JWKS
/// refetch window, or a restart's second, without waiting.
/// </summary>
internal sealed class MovableClock(bool frozen = false) : TimeProvider
{
    // Frozen: the time of creation, moved only by Advance (for a test whose outcome must not depend on how long it runs).
    private readonly DateTimeOffset? _start = frozen ? System.GetUtcNow() : null;
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => (_start ?? base.GetUtcNow()) + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
