using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.Tests.OpenIdConnect;

/// <summary>
/// The whole authorization code flow over HTTP, as a relying party drives it: authorize, sign in, consent,
/// code, tokens, userinfo, refresh; and every refusal the provider owes a careless or hostile client.
/// </summary>
public sealed partial class CodeFlowTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";
    private const string Secret = "a-long-client-secret-for-tests-only";

    [Fact]
    public async Task Discovery_publishes_the_endpoints_the_assurance_levels_and_S256_only()
    {
        using var http = Https();

        using var discovery = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));
        var root = discovery.RootElement;
        var jwks = JsonDocument.Parse(await http.GetStringAsync(root.GetProperty("jwks_uri").GetString()));

        Assert.Equal(["S256"], root.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("urn:serviceportal:loa:substantial", root.GetProperty("acr_values_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("urn:serviceportal:loa:low", root.GetProperty("acr_values_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["pairwise"], root.GetProperty("subject_types_supported").EnumerateArray().Select(e => e.GetString()));
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "end_session_endpoint",
                     "revocation_endpoint", "introspection_endpoint" })
        {
            Assert.StartsWith("https://localhost/connect/", root.GetProperty(endpoint).GetString(), StringComparison.Ordinal);
        }

        Assert.Contains("private_key_jwt", root.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.NotEmpty(jwks.RootElement.GetProperty("keys").EnumerateArray());
    }

    [Fact]
    public async Task A_citizen_signs_in_consents_once_and_the_client_gets_tokens_with_a_pairwise_subject()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var client = await CreateClientAsync(nationalId: true);
        using var browser = Browser();
        var pkce = Pkce.Create();

        var code = await AuthorizeAsync(browser, client, "openid profile phone national_id offline_access", pkce, nin, phone, expectConsent: true);
        var tokens = await RedeemAsync(client, code, pkce.Verifier);

        var id = new JsonWebToken(tokens.GetProperty("id_token").GetString());
        Assert.NotEqual(nin, id.Subject);
        Assert.DoesNotContain(nin, id.Subject, StringComparison.Ordinal);
        Assert.Equal(nin, id.GetClaim("nin").Value);
        Assert.Equal("urn:serviceportal:loa:substantial", id.GetClaim("acr").Value);
        Assert.Contains(id.Claims, c => c.Type == "amr" && c.Value == "mfa");
        Assert.Equal("Rehema Mollel", id.GetClaim("name").Value);
        Assert.False(id.TryGetClaim("account_id", out _), "the account id must never leave the server");
        Assert.True(tokens.TryGetProperty("refresh_token", out _));

        // The access token is a signed JWT (the gateway verifies it) and the userinfo endpoint answers it.
        var access = new JsonWebToken(tokens.GetProperty("access_token").GetString());
        Assert.Equal(id.Subject, access.Subject);
        using var api = Https();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        using var userinfo = JsonDocument.Parse(await api.GetStringAsync("/connect/userinfo"));
        Assert.Equal(id.Subject, userinfo.RootElement.GetProperty("sub").GetString());
        Assert.Equal(nin, userinfo.RootElement.GetProperty("nin").GetString());
        Assert.Equal(phone, userinfo.RootElement.GetProperty("phone_number").GetString());

        // Consent is remembered for this client and these scopes: the second time, straight to the code.
        var again = await browser.GetAsync(AuthorizeUrl(client, "openid profile phone national_id offline_access", Pkce.Create()));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith(client.RedirectUri, again.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_subject_differs_between_sectors_and_is_stable_within_one()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var first = await CreateClientAsync(sector: "sector-a");
        var sameSector = await CreateClientAsync(sector: "sector-a");
        var otherSector = await CreateClientAsync(sector: "sector-b");
        using var browser = Browser();

        async Task<string> SubjectFor(TestClient client)
        {
            var pkce = Pkce.Create();
            var code = await AuthorizeAsync(browser, client, "openid", pkce, nin, phone, expectConsent: true);
            return new JsonWebToken((await RedeemAsync(client, code, pkce.Verifier)).GetProperty("id_token").GetString()).Subject;
        }

        var a = await SubjectFor(first);
        var b = await SubjectFor(sameSector);
        var c = await SubjectFor(otherSector);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task A_code_used_twice_fails_the_second_time()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var client = await CreateClientAsync();
        using var browser = Browser();
        var pkce = Pkce.Create();
        var code = await AuthorizeAsync(browser, client, "openid", pkce, nin, phone, expectConsent: true);

        await RedeemAsync(client, code, pkce.Verifier);
        var replay = await TokenAsync(client, new() { ["grant_type"] = "authorization_code", ["code"] = code,
            ["redirect_uri"] = client.RedirectUri, ["code_verifier"] = pkce.Verifier });

        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal("invalid_grant", replay.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_wrong_code_verifier_is_refused()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var client = await CreateClientAsync();
        using var browser = Browser();
        var pkce = Pkce.Create();
        var code = await AuthorizeAsync(browser, client, "openid", pkce, nin, phone, expectConsent: true);

        var wrong = await TokenAsync(client, new() { ["grant_type"] = "authorization_code", ["code"] = code,
            ["redirect_uri"] = client.RedirectUri, ["code_verifier"] = Pkce.Create().Verifier });

        Assert.Equal("invalid_grant", wrong.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_a_spent_one_revokes_its_family()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var client = await CreateClientAsync();
        using var browser = Browser();
        var pkce = Pkce.Create();
        var code = await AuthorizeAsync(browser, client, "openid offline_access", pkce, nin, phone, expectConsent: true);
        var first = (await RedeemAsync(client, code, pkce.Verifier)).GetProperty("refresh_token").GetString()!;

        var rotated = await TokenAsync(client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = first });
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var second = rotated.Body.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first, second);

        var reuse = await TokenAsync(client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = first });
        Assert.Equal("invalid_grant", reuse.Body.GetProperty("error").GetString());

        // The reuse of a spent token means it leaked: the tokens issued from it die with it.
        var afterReuse = await TokenAsync(client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = second });
        Assert.Equal("invalid_grant", afterReuse.Body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("plain", "plain")]
    public async Task An_authorization_request_without_S256_PKCE_is_refused(string? method, string? challengeKind)
    {
        var client = await CreateClientAsync();
        using var browser = Browser();
        var url = $"/connect/authorize?client_id={client.ClientId}&response_type=code&scope=openid&state=s1" +
                  $"&redirect_uri={Uri.EscapeDataString(client.RedirectUri)}";
        if (method is not null)
        {
            url += $"&code_challenge={(challengeKind == "plain" ? Pkce.Create().Verifier : Pkce.Create().Challenge)}&code_challenge_method={method}";
        }

        var response = await browser.GetAsync(url);

        AssertRefused(response, browser, "invalid_request");
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_is_never_redirected_to()
    {
        var client = await CreateClientAsync();
        using var browser = Browser();
        var pkce = Pkce.Create();

        var response = await browser.GetAsync($"/connect/authorize?client_id={client.ClientId}&response_type=code&scope=openid" +
            $"&redirect_uri={Uri.EscapeDataString("https://evil.example/callback")}&code_challenge={pkce.Challenge}&code_challenge_method=S256");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("Ombi lisilo sahihi", browser.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_client_secret_is_refused()
    {
        var client = await CreateClientAsync();

        var response = await TokenAsync(client with { Secret = "not-the-secret" }, new() { ["grant_type"] = "client_credentials" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("invalid_client", response.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_national_id_scope_is_refused_to_a_client_not_allowed_it()
    {
        var client = await CreateClientAsync(nationalId: false);
        using var browser = Browser();

        var response = await browser.GetAsync(AuthorizeUrl(client, "openid national_id", Pkce.Create()));

        AssertRefused(response, browser, "invalid_scope");
    }

    [Fact]
    public async Task Prompt_none_without_a_session_answers_login_required()
    {
        var client = await CreateClientAsync();
        using var browser = Browser();

        var response = await browser.GetAsync(AuthorizeUrl(client, "openid", Pkce.Create()) + "&prompt=none");

        Assert.Equal("login_required", QueryHelpers.ParseQuery(response.Headers.Location!.Query)["error"].ToString());
    }

    [Fact]
    public async Task A_password_given_for_the_lower_level_steps_up_to_the_code_when_the_higher_level_is_asked()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var client = await CreateClientAsync(consent: ConsentTypes.Implicit, passwordLevel: true);
        using var browser = Browser();

        var start = await browser.GetAsync(AuthorizeUrl(client, "openid", Pkce.Create()) + "&acr_values=urn:serviceportal:loa:low");
        var signIn = start.Headers.Location!.ToString();
        Assert.Contains("level=low", signIn, StringComparison.Ordinal);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(new Uri("https://localhost"), signIn).Query)["returnUrl"].ToString();
        var afterPassword = await browser.SubmitAsync("/account/sign-in",
            new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = returnUrl, ["Level"] = "low" });
        Assert.Equal(returnUrl, afterPassword.Headers.Location!.ToString());

        // Before that grant is used, the client asks for the higher level: the password counts, the code follows.
        var pkce = Pkce.Create();
        var higher = AuthorizeUrl(client, "openid", pkce) + "&acr_values=urn:serviceportal:loa:substantial";
        var stepUp = await browser.GetAsync(higher);
        Assert.StartsWith("/account/sign-in/code", stepUp.Headers.Location!.ToString(), StringComparison.Ordinal);
        var afterCode = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone), ["ReturnUrl"] = higher });
        var done = await browser.GetAsync(afterCode.Headers.Location!.ToString());
        var code = QueryHelpers.ParseQuery(done.Headers.Location!.Query)["code"].ToString();

        var id = new JsonWebToken((await RedeemAsync(client, code, pkce.Verifier)).GetProperty("id_token").GetString());
        Assert.Equal("urn:serviceportal:loa:substantial", id.GetClaim("acr").Value);
    }

    [Fact]
    public async Task An_agency_backend_gets_a_token_bound_to_its_agency_with_client_credentials()
    {
        var client = await CreateClientAsync(agency: "rita");

        var response = await TokenAsync(client, new() { ["grant_type"] = "client_credentials", ["scope"] = "agency.requests" });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var access = new JsonWebToken(response.Body.GetProperty("access_token").GetString());
        Assert.Equal(client.ClientId, access.Subject);
        Assert.Equal("rita", access.GetClaim("agency").Value);
    }

    /// <summary>
    /// Refused with the OAuth error: at the client's redirect URI when it is trusted, else on the portal's own
    /// error page. Either way, no code.
    /// </summary>
    private static void AssertRefused(HttpResponseMessage response, FormClient browser, string error)
    {
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
            Assert.Equal(error, query["error"].ToString());
            Assert.False(query.ContainsKey("code"));
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("Ombi lisilo sahihi", browser.LastPage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_agency_backend_can_authenticate_with_a_signed_assertion_instead_of_a_secret()
    {
        using var rsa = RSA.Create(2048);
        var key = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa) { KeyId = "agency-key-1" };
        var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromRSASecurityKey(
            new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "agency-key-1" });
        var clientId = "agency-" + Guid.NewGuid().ToString("N")[..10];
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Confidential,
            JsonWebKeySet = new Microsoft.IdentityModel.Tokens.JsonWebKeySet { Keys = { jwk } },
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + "agency.requests" },
        };
        descriptor.Properties["agency"] = JsonSerializer.SerializeToElement("brela");
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
        }

        string Assertion(Microsoft.IdentityModel.Tokens.SecurityKey signingKey) => new JsonWebTokenHandler().CreateToken(
            new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
            {
                Issuer = clientId,
                Audience = "https://localhost/",
                Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = Guid.NewGuid().ToString() },
                Expires = DateTime.UtcNow.AddMinutes(2),
                SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(signingKey, "RS256"),
                TokenType = "client-authentication+jwt",
            });

        async Task<(HttpStatusCode, JsonElement)> Exchange(string assertion)
        {
            using var http = Https();
            using var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["scope"] = "agency.requests",
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = assertion,
            });
            var response = await http.PostAsync("/connect/token", content);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var (status, body) = await Exchange(Assertion(key));
        using var stranger = RSA.Create(2048);
        var (forgedStatus, forged) = await Exchange(Assertion(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(stranger) { KeyId = "agency-key-1" }));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("brela", new JsonWebToken(body.GetProperty("access_token").GetString()).GetClaim("agency").Value);
        Assert.NotEqual(HttpStatusCode.OK, forgedStatus);
        Assert.Equal("invalid_client", forged.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Withdrawing_a_connected_service_revokes_its_refresh_tokens()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var client = await CreateClientAsync();
        using var browser = Browser();
        var pkce = Pkce.Create();
        var code = await AuthorizeAsync(browser, client, "openid offline_access", pkce, nin, phone, expectConsent: true);
        var refresh = (await RedeemAsync(client, code, pkce.Verifier)).GetProperty("refresh_token").GetString()!;

        await browser.GetAsync("/account/services");
        Assert.Contains("Huduma ya Majaribio", browser.LastPage, StringComparison.Ordinal);
        var authorizationId = Regex.Match(browser.LastPage, "name=\"AuthorizationId\" value=\"([^\"]+)\"").Groups[1].Value;
        await browser.SubmitLoadedFormAsync("/account/services", new Dictionary<string, string?> { ["AuthorizationId"] = authorizationId });
        Assert.Contains("Umeondoa ruhusa", browser.LastPage, StringComparison.Ordinal);

        var after = await TokenAsync(client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        Assert.Equal("invalid_grant", after.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_client_can_revoke_its_refresh_token_and_introspect_an_access_token()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var client = await CreateClientAsync();
        using var browser = Browser();
        var pkce = Pkce.Create();
        var code = await AuthorizeAsync(browser, client, "openid offline_access", pkce, nin, phone, expectConsent: true);
        var tokens = await RedeemAsync(client, code, pkce.Verifier);

        using var http = Https();
        using var revoke = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = tokens.GetProperty("refresh_token").GetString()!, ["token_type_hint"] = "refresh_token",
            ["client_id"] = client.ClientId, ["client_secret"] = Secret,
        });
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/connect/revoke", revoke)).StatusCode);
        var after = await TokenAsync(client, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! });
        Assert.Equal("invalid_grant", after.Body.GetProperty("error").GetString());

        using var introspect = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = tokens.GetProperty("access_token").GetString()!, ["client_id"] = client.ClientId, ["client_secret"] = Secret,
        });
        using var answer = JsonDocument.Parse(await (await http.PostAsync("/connect/introspect", introspect)).Content.ReadAsStringAsync());
        Assert.True(answer.RootElement.GetProperty("active").GetBoolean());
    }

    // --- the relying party's side ---------------------------------------------------------------------------

    private sealed record TestClient(string ClientId, string? Secret, string RedirectUri);

    private sealed record Pkce(string Verifier, string Challenge)
    {
        public static Pkce Create()
        {
            var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
            return new Pkce(verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        }
    }

    [Fact]
    public async Task An_access_token_with_the_gateway_scope_passes_the_gateway_and_one_without_it_does_not()
    {
        // An agency backend (a real HTTP service) that answers with the assertion it received.
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var backend = builder.Build();
        backend.MapGet("/{**rest}", (Microsoft.AspNetCore.Http.HttpContext context) => context.Request.Headers["Portal-Identity"].ToString());
        await backend.StartAsync();
        var address = backend.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        var agency = "t" + Guid.NewGuid().ToString("N")[..10];
        var version = await portal.CountAsync(
            """
            WITH agency AS (
                INSERT INTO catalog.agencies (code, name_sw, name_en, status) VALUES (@agency, 'Majaribio', 'Test', 'approved') RETURNING id),
            endpoint AS (
                INSERT INTO catalog.agency_endpoints (agency_id, name, destinations, status)
                SELECT id, 'api', jsonb_build_array(jsonb_build_object('name', 'a', 'address', @address::text)), 'approved' FROM agency)
            SELECT version + 1 FROM catalog.catalog_state
            """, new { agency, address });
        var routes = portal.Services.GetRequiredService<ServicePortal.Gateway.Routing.GatewayRoutes>();
        await Eventually.TrueAsync(() => Task.FromResult(routes.AppliedVersion >= version), $"the gateway's routes at catalogue version {version}");

        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var client = await CreateClientAsync();
        using var browser = Browser();
        var withPkce = Pkce.Create();
        var withGateway = await RedeemAsync(client, await AuthorizeAsync(browser, client, "openid gateway", withPkce, nin, phone,
            expectConsent: true), withPkce.Verifier);
        var withoutPkce = Pkce.Create();
        var withoutGateway = await RedeemAsync(client, await AuthorizeAsync(browser, client, "openid profile", withoutPkce, nin, phone,
            expectConsent: true), withoutPkce.Verifier);

        using var app = Https();
        app.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        app.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", withGateway.GetProperty("access_token").GetString());
        var passed = await app.GetAsync($"/agencies/{agency}/api/me");
        app.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", withoutGateway.GetProperty("access_token").GetString());
        var refused = await app.GetAsync($"/agencies/{agency}/api/me");

        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        var assertion = new JsonWebToken(await passed.Content.ReadAsStringAsync());
        Assert.Equal(agency, Assert.Single(assertion.Audiences));
        Assert.NotEqual(new JsonWebToken(withGateway.GetProperty("access_token").GetString()).Subject, assertion.Subject);
        Assert.Equal("urn:serviceportal:loa:substantial", assertion.GetClaim("acr").Value);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private HttpClient Https() => portal.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        AllowAutoRedirect = false,
    });

    private FormClient Browser() => new(portal.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        AllowAutoRedirect = false,
        HandleCookies = true,
    }));

    private async Task<TestClient> CreateClientAsync(bool nationalId = false, string? sector = null, string? agency = null,
        string consent = ConsentTypes.Explicit, bool passwordLevel = false)
    {
        var clientId = "rp-" + Guid.NewGuid().ToString("N")[..12];
        var redirect = $"https://{clientId}.example/callback";
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = Secret,
            ClientType = ClientTypes.Confidential,
            ConsentType = consent,
            DisplayName = "Huduma ya Majaribio",
            RedirectUris = { new Uri(redirect) },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
                Permissions.Endpoints.Introspection, Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken, Permissions.GrantTypes.ClientCredentials, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Scopes.Phone, Permissions.Prefixes.Scope + Scopes.OfflineAccess,
                Permissions.Prefixes.Scope + "agency.requests", Permissions.Prefixes.Scope + "gateway",
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        if (nationalId)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + "national_id");
        }

        if (sector is not null)
        {
            descriptor.Properties["sector"] = JsonSerializer.SerializeToElement(sector);
        }

        if (agency is not null)
        {
            descriptor.Properties["agency"] = JsonSerializer.SerializeToElement(agency);
        }

        if (passwordLevel)
        {
            descriptor.Properties["password_level"] = JsonSerializer.SerializeToElement(true);
        }

        await using var scope = portal.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
        return new TestClient(clientId, Secret, redirect);
    }

    private static string AuthorizeUrl(TestClient client, string scope, Pkce pkce) =>
        $"/connect/authorize?client_id={client.ClientId}&response_type=code&scope={Uri.EscapeDataString(scope)}" +
        $"&redirect_uri={Uri.EscapeDataString(client.RedirectUri)}&state=st4te&nonce=n0nce" +
        $"&code_challenge={pkce.Challenge}&code_challenge_method=S256";

    /// <summary>Authorize → sign in (password, SMS code) → consent → the code at the client's redirect URI.</summary>
    private async Task<string> AuthorizeAsync(FormClient browser, TestClient client, string scope, Pkce pkce, string nin, string phone,
        bool expectConsent)
    {
        var response = await browser.GetAsync(AuthorizeUrl(client, scope, pkce));
        if (response.Headers.Location?.ToString().StartsWith("/account/sign-in", StringComparison.Ordinal) == true)
        {
            var returnUrl = QueryHelpers.ParseQuery(new Uri(new Uri("https://localhost"), response.Headers.Location).Query)["returnUrl"].ToString();
            await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = returnUrl });
            var afterCode = await browser.SubmitAsync("/account/sign-in/code",
                new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone), ["ReturnUrl"] = returnUrl });
            response = await browser.GetAsync(afterCode.Headers.Location!.ToString());
        }

        if (expectConsent && response.StatusCode == HttpStatusCode.OK)
        {
            Assert.Contains("inaomba ruhusa", browser.LastPage, StringComparison.Ordinal);
            var fields = HiddenFields().Matches(browser.LastPage)
                .ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => (string?)WebUtility.HtmlDecode(m.Groups[2].Value));
            fields.Remove("__af");
            fields["decision"] = "accept";
            response = await browser.SubmitLoadedFormAsync("/connect/authorize", fields);
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(client.RedirectUri, location.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("st4te", query["state"].ToString());
        return query["code"].ToString();
    }

    private async Task<JsonElement> RedeemAsync(TestClient client, string code, string verifier)
    {
        var response = await TokenAsync(client, new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = client.RedirectUri,
            ["code_verifier"] = verifier,
        });
        Assert.True(response.Status == HttpStatusCode.OK, response.Body.ToString());
        return response.Body;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(TestClient client, Dictionary<string, string> fields)
    {
        fields["client_id"] = client.ClientId;
        if (client.Secret is not null)
        {
            fields["client_secret"] = client.Secret;
        }

        using var http = Https();
        using var content = new FormUrlEncodedContent(fields);
        var response = await http.PostAsync("/connect/token", content);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenFields();
}
