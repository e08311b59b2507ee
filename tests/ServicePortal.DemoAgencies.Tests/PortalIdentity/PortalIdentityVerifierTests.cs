using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace ServicePortal.DemoAgencies.Tests.PortalIdentity;

/// <summary>
/// Each demo agency verifying the portal's Portal-Identity assertion, over real HTTP, against a JWKS served by a
/// stand-in portal the test controls.
/// </summary>
public sealed class PortalIdentityVerifierTests
{
    private const string Missing = "urn:serviceportal:problem:identity-missing";
    private const string Invalid = "urn:serviceportal:problem:identity-invalid";

    public static TheoryData<string> Codes => ["nida", "rita", "brela", "tra"];

    [Theory]
    [MemberData(nameof(Codes))]
    public async Task A_valid_assertion_is_answered_with_the_verified_claims(string code)
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var agency = await RunningAgency.StartAsync(code, portal);
        var assertion = FakePortal.Mint(key, new Assertion(code), portal.Issuer);

        var response = await agency.WhoAmIAsync(assertion, requestId: "this-request-42");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"pairwise-{code}-7f3a9c", claims.GetProperty("sub").GetString());
        Assert.Equal("19900415-11111-00001-23", claims.GetProperty("nin").GetString());
        Assert.Equal("urn:serviceportal:loa:substantial", claims.GetProperty("acr").GetString());
        Assert.Equal(["pwd", "sms"], claims.GetProperty("amr").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Amina Hassan Mwakyusa", claims.GetProperty("name").GetString());
        Assert.Equal(portal.Issuer, claims.GetProperty("iss").GetString());
        Assert.Equal(code, claims.GetProperty("aud").GetString());
        Assert.InRange(claims.GetProperty("exp").GetInt64(),
            DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddSeconds(61).ToUnixTimeSeconds());
        Assert.Equal(32, claims.GetProperty("jti").GetString()!.Length);
        Assert.Equal("minting-request-1", claims.GetProperty("rid").GetString());
        Assert.Equal("this-request-42", claims.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task An_assertion_without_a_nin_is_answered_with_nin_null()
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var agency = await RunningAgency.StartAsync("brela", portal);

        var response = await agency.WhoAmIAsync(FakePortal.Mint(key, new Assertion("brela", Nin: null), portal.Issuer));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, claims.GetProperty("nin").ValueKind);
    }

    [Fact]
    public async Task A_request_without_Portal_Identity_is_refused_as_missing()
    {
        await using var portal = await FakePortal.StartAsync();
        await using var agency = await RunningAgency.StartAsync("rita", portal);

        var response = await agency.WhoAmIAsync(assertion: null);

        await AssertRefusedAsync(response, Missing, "no Portal-Identity header");
        Assert.Equal(0, portal.JwksReads);
    }

    [Fact]
    public async Task An_assertion_signed_by_a_key_outside_the_portals_JWKS_is_refused()
    {
        await using var portal = await FakePortal.StartAsync();
        using var published = portal.Publish();
        // Same kid as the published key, different private key: what a forger who knows the kid can do.
        using var forged = new PortalKey(published.Kid);
        await using var agency = await RunningAgency.StartAsync("rita", portal);

        var response = await agency.WhoAmIAsync(FakePortal.Mint(forged, new Assertion("rita"), portal.Issuer));

        await AssertRefusedAsync(response, Invalid, "signature does not verify");
    }

    [Fact]
    public async Task An_assertion_signed_with_the_portals_encryption_key_is_refused()
    {
        await using var portal = await FakePortal.StartAsync();
        using var published = portal.Publish();
        await using var agency = await RunningAgency.StartAsync("rita", portal);

        var response = await agency.WhoAmIAsync(FakePortal.Mint(portal.EncryptionKey, new Assertion("rita"), portal.Issuer));

        await AssertRefusedAsync(response, Invalid, "does not publish");
    }

    [Fact]
    public async Task An_assertion_addressed_to_another_agency_is_refused()
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var agency = await RunningAgency.StartAsync("rita", portal);

        var response = await agency.WhoAmIAsync(FakePortal.Mint(key, new Assertion("nida"), portal.Issuer));

        await AssertRefusedAsync(response, Invalid, "addressed to another agency");
    }

    [Fact]
    public async Task An_expired_assertion_is_refused()
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var agency = await RunningAgency.StartAsync("rita", portal);
        // Expired 40 seconds ago: beyond the 30 seconds of clock skew allowed.
        var assertion = FakePortal.Mint(key, new Assertion("rita", IssuedAt: DateTimeOffset.UtcNow.AddSeconds(-100)), portal.Issuer);

        var response = await agency.WhoAmIAsync(assertion);

        await AssertRefusedAsync(response, Invalid, "expired");
    }

    [Fact]
    public async Task An_assertion_issued_in_the_future_is_refused()
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var agency = await RunningAgency.StartAsync("rita", portal);
        var assertion = FakePortal.Mint(key, new Assertion("rita", IssuedAt: DateTimeOffset.UtcNow.AddMinutes(2)), portal.Issuer);

        var response = await agency.WhoAmIAsync(assertion);

        await AssertRefusedAsync(response, Invalid, "not valid yet");
    }

    [Fact]
    public async Task An_assertion_living_longer_than_60_seconds_is_refused()
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var agency = await RunningAgency.StartAsync("rita", portal);
        var assertion = FakePortal.Mint(key, new Assertion("rita", Lifetime: TimeSpan.FromMinutes(10)), portal.Issuer);

        var response = await agency.WhoAmIAsync(assertion);

        await AssertRefusedAsync(response, Invalid, "longer than 60 seconds");
    }

    [Fact]
    public async Task An_assertion_from_another_issuer_is_refused()
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var agency = await RunningAgency.StartAsync("rita", portal);
        var assertion = FakePortal.Mint(key, new Assertion("rita", Issuer: "https://portal.example.org/"), portal.Issuer);

        var response = await agency.WhoAmIAsync(assertion);

        await AssertRefusedAsync(response, Invalid, "not issued by the portal");
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("at+jwt")]
    public async Task A_portal_token_of_another_type_is_refused(string type)
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var agency = await RunningAgency.StartAsync("rita", portal);
        var assertion = FakePortal.Mint(key, new Assertion("rita", Type: type), portal.Issuer);

        var response = await agency.WhoAmIAsync(assertion);

        await AssertRefusedAsync(response, Invalid, "typ must be 'portal-identity+jwt'");
    }

    [Fact]
    public async Task An_unsigned_assertion_with_alg_none_is_refused()
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var agency = await RunningAgency.StartAsync("rita", portal);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var assertion = FakePortal.Raw(
            new { alg = "none", kid = key.Kid, typ = "portal-identity+jwt" },
            new { iss = portal.Issuer, aud = "rita", sub = "x", acr = "urn:serviceportal:loa:substantial", jti = "j", iat = now, nbf = now, exp = now + 60 });

        var response = await agency.WhoAmIAsync(assertion);

        await AssertRefusedAsync(response, Invalid, "RS256");
        Assert.Equal(0, portal.JwksReads);
    }

    [Fact]
    public async Task An_HS256_assertion_keyed_with_the_portals_public_key_is_refused()
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var agency = await RunningAgency.StartAsync("rita", portal);
        // The algorithm confusion attack: the public key, which anyone can fetch, used as an HMAC secret.
        var publicKeyAsSecret = new SymmetricSecurityKey(Encoding.ASCII.GetBytes(key.Rsa.ExportSubjectPublicKeyInfoPem())) { KeyId = key.Kid };
        var assertion = FakePortal.Mint(
            new SigningCredentials(publicKeyAsSecret, SecurityAlgorithms.HmacSha256), new Assertion("rita"), portal.Issuer);

        var response = await agency.WhoAmIAsync(assertion);

        await AssertRefusedAsync(response, Invalid, "RS256");
    }

    [Fact]
    public async Task An_assertion_signed_with_a_key_the_portal_does_not_publish_is_refused_even_after_a_refetch()
    {
        await using var portal = await FakePortal.StartAsync();
        using var published = portal.Publish();
        using var unpublished = new PortalKey("sig-never-published");
        var clock = new MovableClock();
        await using var agency = await RunningAgency.StartAsync("rita", portal, clock);
        Assert.Equal(HttpStatusCode.OK, (await agency.WhoAmIAsync(FakePortal.Mint(published, new Assertion("rita"), portal.Issuer))).StatusCode);
        clock.Advance(TimeSpan.FromSeconds(31));

        var response = await agency.WhoAmIAsync(FakePortal.Mint(unpublished, new Assertion("rita"), portal.Issuer));

        await AssertRefusedAsync(response, Invalid, "does not publish");
        Assert.Equal(2, portal.JwksReads);
    }

    [Fact]
    public async Task A_key_published_after_the_agency_read_the_JWKS_is_found_by_reading_it_again()
    {
        await using var portal = await FakePortal.StartAsync();
        using var current = portal.Publish();
        var clock = new MovableClock();
        await using var agency = await RunningAgency.StartAsync("tra", portal, clock);
        Assert.Equal(HttpStatusCode.OK, (await agency.WhoAmIAsync(FakePortal.Mint(current, new Assertion("tra"), portal.Issuer))).StatusCode);
        using var next = portal.Publish();
        clock.Advance(TimeSpan.FromSeconds(31));

        var withNextKey = await agency.WhoAmIAsync(FakePortal.Mint(next, new Assertion("tra"), portal.Issuer));
        var withCurrentKey = await agency.WhoAmIAsync(FakePortal.Mint(current, new Assertion("tra"), portal.Issuer));

        Assert.Equal(HttpStatusCode.OK, withNextKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withCurrentKey.StatusCode);
        Assert.Equal(2, portal.JwksReads);
    }

    [Fact]
    public async Task A_flood_of_unknown_kids_makes_at_most_one_JWKS_read_in_30_seconds()
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        // The agency's clock stands still unless moved: however long the flood takes on a busy machine, it all falls
        // within one 30-second window, so exactly one read is allowed.
        var clock = new MovableClock(frozen: true);
        await using var agency = await RunningAgency.StartAsync("nida", portal, clock);
        Assert.Equal(HttpStatusCode.OK, (await agency.WhoAmIAsync(FakePortal.Mint(key, new Assertion("nida"), portal.Issuer))).StatusCode);
        clock.Advance(TimeSpan.FromSeconds(31));

        // Forty kids the portal never published; one key pair signs them all (what matters is the kid, and making
        // forty 2048-bit keys took most of this test's time).
        using var unpublished = new PortalKey("junk");
        var junk = Enumerable.Range(0, 40).Select(i => agency.WhoAmIAsync(FakePortal.Mint(
            new SigningCredentials(new RsaSecurityKey(unpublished.Rsa) { KeyId = $"junk-{i}" }, SecurityAlgorithms.RsaSha256),
            new Assertion("nida"), portal.Issuer)));
        var responses = await Task.WhenAll(junk);
        var stillValid = await agency.WhoAmIAsync(FakePortal.Mint(key, new Assertion("nida"), portal.Issuer));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode));
        Assert.Equal(2, portal.JwksReads);
        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
    }

    [Fact]
    public async Task An_agency_not_configured_to_trust_a_portal_refuses_every_identity_and_says_why()
    {
        await using var portal = await FakePortal.StartAsync();
        using var key = portal.Publish();
        await using var app = DemoAgencyHost.Build(DemoAgency.Get("rita"), "http://127.0.0.1:0",
            configure: builder => builder.Configuration["DemoAgencies:PortalUrl"] = "");
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = DemoAgencyHost.BaseAddress(app) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "whoami");
        request.Headers.Add("Portal-Identity", FakePortal.Mint(key, new Assertion("rita"), portal.Issuer));

        var response = await client.SendAsync(request);

        await AssertRefusedAsync(response, Missing, "not configured to trust a portal");
        Assert.Equal(0, portal.JwksReads);
    }

    [Fact]
    public async Task An_agency_with_a_malformed_portal_address_does_not_start()
    {
        await using var app = DemoAgencyHost.Build(DemoAgency.Get("rita"), "http://127.0.0.1:0",
            configure: builder => builder.Configuration["DemoAgencies:PortalUrl"] = "localhost:5000");

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("DemoAgencies:PortalUrl", failure.Message, StringComparison.Ordinal);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string type, string because)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.Contains(because, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>One demo agency on a loopback port, trusting <paramref name="portal"/>.</summary>
    private sealed class RunningAgency(WebApplication app) : IAsyncDisposable
    {
        private readonly HttpClient _client = new() { BaseAddress = DemoAgencyHost.BaseAddress(app) };

        public static async Task<RunningAgency> StartAsync(string code, FakePortal portal, TimeProvider? clock = null)
        {
            var app = DemoAgencyHost.Build(DemoAgency.Get(code), "http://127.0.0.1:0", configure: builder =>
            {
                builder.Configuration["DemoAgencies:PortalUrl"] = portal.Url.ToString();
                if (clock is not null)
                {
                    builder.Services.AddSingleton(clock);
                }
            });
            await app.StartAsync();
            return new RunningAgency(app);
        }

        public async Task<HttpResponseMessage> WhoAmIAsync(string? assertion, string requestId = "test-request")
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "whoami");
            request.Headers.Add("X-Request-Id", requestId);
            if (assertion is not null)
            {
                request.Headers.Add("Portal-Identity", assertion);
            }

            return await _client.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await app.DisposeAsync();
        }
    }
}
