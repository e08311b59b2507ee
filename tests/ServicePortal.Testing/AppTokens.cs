using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Xunit;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Testing;

/// <summary>
/// Access tokens as a citizen's app or an agency's backend gets them, through the real provider: an app runs
/// the code flow with PKCE (the citizen signs in with password and SMS code; consent is implicit for this
/// test client), an agency uses client credentials. For tests of APIs that take bearer tokens.
/// </summary>
public static class AppTokens
{
    private const string Secret = "a-long-client-secret-for-tests-only";

    /// <summary>A citizen's access token with <paramref name="scope"/> (e.g. "openid requests").</summary>
    /// <remarks><paramref name="browserHttp"/> is the citizen's browser: it keeps the cookies the sign-in left, and stays open.</remarks>
    public static async Task<string> CitizenAsync(PortalFactory portal, HttpClient browserHttp, string nin, string phone, string scope,
        string password = "Mti-Mrefu-Wa-Mwembe")
    {
        ArgumentNullException.ThrowIfNull(portal);
        ArgumentNullException.ThrowIfNull(browserHttp);
        var app = await CodeFlowApp.RegisterAsync(portal, scope, passwordLevel: false);
        var browser = new FormClient(browserHttp); // not disposed: that would close the caller's client
        var response = await browser.GetAsync(app.AuthorizeUrl(scope));
        if (response.Headers.Location?.ToString().Contains("/account/sign-in", StringComparison.Ordinal) == true)
        {
            var returnUrl = ReturnUrlOf(response);
            await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = password, ["ReturnUrl"] = returnUrl });
            var afterCode = await browser.SubmitAsync("/account/sign-in/code",
                new Dictionary<string, string?> { ["Code"] = await portal.SignInCodeAsync(phone), ["ReturnUrl"] = returnUrl });
            response = await browser.GetAsync(afterCode.Headers.Location!.ToString());
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await app.RedeemAsync(browserHttp, response);
    }

    /// <summary>
    /// A citizen's access token at the password-only level: the app is registered as allowed to ask for it
    /// (<c>password_level</c>), asks for it (<c>acr_values=urn:serviceportal:loa:low</c>), and the citizen gives NIN
    /// and password alone (a code page on the way fails the test).
    /// </summary>
    /// <remarks><paramref name="browserHttp"/> is the citizen's browser: it keeps the cookies the sign-in left, and stays open.</remarks>
    public static async Task<string> PasswordLevelAsync(PortalFactory portal, HttpClient browserHttp, string nin, string scope,
        string password = "Mti-Mrefu-Wa-Mwembe")
    {
        ArgumentNullException.ThrowIfNull(portal);
        ArgumentNullException.ThrowIfNull(browserHttp);
        var app = await CodeFlowApp.RegisterAsync(portal, scope, passwordLevel: true);
        var browser = new FormClient(browserHttp); // not disposed: that would close the caller's client
        var response = await browser.GetAsync(app.AuthorizeUrl(scope) + "&acr_values=urn:serviceportal:loa:low");
        var returnUrl = ReturnUrlOf(response);
        response = await browser.SubmitAsync("/account/sign-in?level=low&returnUrl=" + Uri.EscapeDataString(returnUrl),
            new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = password, ["ReturnUrl"] = returnUrl, ["Level"] = "low" });
        for (var hop = 0; hop < 5 && response.Headers.Location is { } next && !next.OriginalString.StartsWith(app.Redirect, StringComparison.Ordinal); hop++)
        {
            Assert.False(next.OriginalString.StartsWith("/account/sign-in/code", StringComparison.Ordinal), "the password level asked for a code");
            response = await browser.GetAsync(next.OriginalString);
        }

        return await app.RedeemAsync(browserHttp, response);
    }

    private static string ReturnUrlOf(HttpResponseMessage signInRedirect) =>
        QueryHelpers.ParseQuery(new Uri(new Uri("https://localhost"), signInRedirect.Headers.Location!).Query)["returnUrl"].ToString();

    /// <summary>A confidential app of the code flow with PKCE, registered for the test, and its verifier.</summary>
    private sealed record CodeFlowApp(string ClientId, string Redirect, string Verifier)
    {
        public static async Task<CodeFlowApp> RegisterAsync(PortalFactory portal, string scope, bool passwordLevel)
        {
            var clientId = "app-" + Guid.NewGuid().ToString("N")[..12];
            var redirect = $"https://{clientId}.example/callback";
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = clientId,
                ClientSecret = Secret,
                ClientType = ClientTypes.Confidential,
                ConsentType = ConsentTypes.Implicit,
                DisplayName = "Programu ya Majaribio",
                RedirectUris = { new Uri(redirect) },
                Permissions = { Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code },
                Requirements = { Requirements.Features.ProofKeyForCodeExchange },
            };
            if (passwordLevel)
            {
                // A client the administrator registered as allowed to ask for the password-only level.
                descriptor.Properties["password_level"] = JsonSerializer.SerializeToElement(true);
            }

            foreach (var s in scope.Split(' ').Where(s => s != Scopes.OpenId))
            {
                descriptor.Permissions.Add(Permissions.Prefixes.Scope + s);
            }

            await using (var services = portal.Services.CreateAsyncScope())
            {
                await services.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
            }

            return new CodeFlowApp(clientId, redirect, Base64Url(RandomNumberGenerator.GetBytes(32)));
        }

        public string AuthorizeUrl(string scope) =>
            $"/connect/authorize?client_id={ClientId}&response_type=code&scope={Uri.EscapeDataString(scope)}" +
            $"&redirect_uri={Uri.EscapeDataString(Redirect)}&state=s" +
            $"&code_challenge={Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)))}&code_challenge_method=S256";

        /// <summary>Redeems the code of the redirect back to the app for its access token.</summary>
        public Task<string> RedeemAsync(HttpClient http, HttpResponseMessage redirectToApp)
        {
            var code = QueryHelpers.ParseQuery(redirectToApp.Headers.Location!.Query)["code"].ToString();
            Assert.False(string.IsNullOrEmpty(code), $"no code: {redirectToApp.StatusCode} {redirectToApp.Headers.Location}");
            return TokenAsync(http, new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = Redirect,
                ["code_verifier"] = Verifier,
                ["client_id"] = ClientId,
                ["client_secret"] = Secret,
            });
        }

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>An agency backend's client-credentials token, bound to <paramref name="agency"/>.</summary>
    public static async Task<string> AgencyAsync(PortalFactory portal, HttpClient http, string agency, string scope)
    {
        ArgumentNullException.ThrowIfNull(portal);
        var clientId = "agency-" + Guid.NewGuid().ToString("N")[..12];
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = Secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "Taasisi ya Majaribio",
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + scope },
        };
        descriptor.Properties["agency"] = JsonSerializer.SerializeToElement(agency);
        await using (var services = portal.Services.CreateAsyncScope())
        {
            await services.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
        }

        return await TokenAsync(http, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = Secret,
            ["scope"] = scope,
        });
    }

    private static async Task<string> TokenAsync(HttpClient http, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }
}
