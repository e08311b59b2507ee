using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// A <c>citizen_substantial</c> endpoint and a citizen who gave the password only: a program is asked to step up
/// (RFC 9470), a browser is sent to sign in with two factors and brought back; neither gets a bare 403, and the
/// agency sees nothing.
/// </summary>
public sealed class StepUpTests(GatewayPortalFactory portal) : IClassFixture<GatewayPortalFactory>
{
    private const string Secret = "a-long-client-secret-for-tests-only";
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task A_substantial_endpoint_asks_a_password_only_token_to_step_up_and_sends_a_browser_to_sign_in()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("vyeti", [backend.Address], access: "citizen_substantial");
        await portal.RoutesCaughtUpAsync();
        var (nin, _) = await portal.CreateAccountAsync(Password);
        using var browser = portal.NewBrowser();
        var token = await PasswordOnlyTokenAsync(browser, nin);

        using var api = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/vyeti/certificates");
        api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        api.Headers.Accept.ParseAdd("application/json");
        using var program = await browser.Http.SendAsync(api);
        using var page = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/vyeti/certificates?year=2026");
        page.Headers.Accept.ParseAdd("text/html");
        using var person = await browser.Http.SendAsync(page); // with whatever the password-only sign-in left in the browser

        Assert.Equal(HttpStatusCode.Unauthorized, program.StatusCode);
        var challenge = program.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_user_authentication\"", challenge, StringComparison.Ordinal);
        Assert.Contains("acr_values=\"urn:serviceportal:loa:substantial\"", challenge, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, person.StatusCode);
        Assert.Equal($"/account/sign-in?returnUrl={Uri.EscapeDataString($"/agencies/{agency}/vyeti/certificates?year=2026")}",
            person.Headers.Location!.OriginalString);
        Assert.Equal(0, backend.Calls);
    }

    /// <summary>
    /// An app that asks for the password level only (<c>acr_values=urn:serviceportal:loa:low</c>) and the scope
    /// <c>gateway</c>: the citizen gives NIN and password, the app gets its access token.
    /// </summary>
    private async Task<string> PasswordOnlyTokenAsync(FormClient browser, string nin)
    {
        var clientId = "app-" + Guid.NewGuid().ToString("N")[..12];
        var redirect = $"https://{clientId}.example/callback";
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = clientId,
                ClientSecret = Secret,
                ClientType = ClientTypes.Confidential,
                ConsentType = ConsentTypes.Implicit,
                DisplayName = "Programu ya Majaribio",
                RedirectUris = { new Uri(redirect) },
                Permissions =
                {
                    Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode,
                    Permissions.ResponseTypes.Code, Permissions.Prefixes.Scope + "gateway",
                },
                Requirements = { Requirements.Features.ProofKeyForCodeExchange },
            };
            // A client the administrator registered as allowed to ask for the password-only level.
            descriptor.Properties["password_level"] = JsonSerializer.SerializeToElement(true);
            await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
        }

        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var response = await browser.GetAsync(
            $"/connect/authorize?client_id={clientId}&response_type=code&scope={Uri.EscapeDataString("openid gateway")}" +
            $"&redirect_uri={Uri.EscapeDataString(redirect)}&state=s&code_challenge={challenge}&code_challenge_method=S256" +
            "&acr_values=urn:serviceportal:loa:low");
        var signIn = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/account/sign-in", signIn, StringComparison.Ordinal);
        response = await browser.SubmitAsync(signIn, new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password });
        for (var hop = 0; hop < 5 && response.Headers.Location is { } next && !next.OriginalString.StartsWith(redirect, StringComparison.Ordinal); hop++)
        {
            Assert.False(next.OriginalString.StartsWith("/account/sign-in/code", StringComparison.Ordinal), "the password level asked for a code");
            response = await browser.GetAsync(next.OriginalString);
        }

        var code = QueryHelpers.ParseQuery(response.Headers.Location!.Query)["code"].ToString();
        Assert.False(string.IsNullOrEmpty(code), $"no code: {response.StatusCode} {response.Headers.Location}");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirect,
            ["code_verifier"] = verifier,
            ["client_id"] = clientId,
            ["client_secret"] = Secret,
        });
        var token = await browser.Http.PostAsync(new Uri("/connect/token", UriKind.Relative), form);
        var body = await token.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(token.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
