using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.Tests.OpenIdConnect;

/// <summary>
/// Whose <c>sub</c> a client sees. Without a configured sector the sector is the client itself, not its redirect
/// host: native apps redirect to loopback or to a custom scheme (RFC 8252), so a host would join every such app
/// into one sector (or none).
/// </summary>
public sealed class PairwiseSubjectTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task Two_loopback_clients_of_different_makers_see_different_subjects()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var first = await NativeClientAsync("http://127.0.0.1/callback");
        var second = await NativeClientAsync("http://127.0.0.1/callback");
        using var browser = Browser();

        var a = await SubjectAsync(browser, first, "http://127.0.0.1/callback", nin, phone);
        var b = await SubjectAsync(browser, second, "http://127.0.0.1/callback", nin, phone);

        Assert.NotEqual(a, b);
        // Stable for one client.
        Assert.Equal(a, await SubjectAsync(browser, first, "http://127.0.0.1/callback", nin, phone));
    }

    [Fact]
    public async Task A_client_redirecting_to_a_custom_scheme_gets_a_subject()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var app = await NativeClientAsync("tz.go.portal.app:/callback");
        using var browser = Browser();

        var subject = await SubjectAsync(browser, app, "tz.go.portal.app:/callback", nin, phone);

        Assert.Matches("^[a-z2-7]{26}$", subject);
    }

    [Fact]
    public async Task Clients_configured_with_one_sector_share_a_subject_whatever_their_redirects()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var sector = "sekta-" + Guid.NewGuid().ToString("N")[..8];
        var web = await NativeClientAsync("https://huduma.example.go.tz/callback", sector);
        var app = await NativeClientAsync("tz.go.huduma.app:/callback", sector);
        using var browser = Browser();

        Assert.Equal(await SubjectAsync(browser, web, "https://huduma.example.go.tz/callback", nin, phone),
            await SubjectAsync(browser, app, "tz.go.huduma.app:/callback", nin, phone));
    }

    /// <summary>A public client with PKCE and one redirect URI, and optionally a configured sector.</summary>
    private async Task<string> NativeClientAsync(string redirect, string? sector = null)
    {
        var clientId = "app-" + Guid.NewGuid().ToString("N")[..12];
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Public,
            ApplicationType = ApplicationTypes.Native,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "Programu ya simu",
            RedirectUris = { new Uri(redirect) },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        if (sector is not null)
        {
            descriptor.Properties["sector"] = JsonSerializer.SerializeToElement(sector);
        }

        await using var scope = portal.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
        return clientId;
    }

    /// <summary>Authorize (signing in when asked), redeem the code, and read the ID token's subject.</summary>
    private async Task<string> SubjectAsync(FormClient browser, string clientId, string redirect, string nin, string phone)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = $"/connect/authorize?client_id={clientId}&response_type=code&scope=openid" +
                        $"&redirect_uri={Uri.EscapeDataString(redirect)}&state=s&code_challenge={challenge}&code_challenge_method=S256";
        var response = await browser.GetAsync(authorize);
        if (response.Headers.Location?.ToString().StartsWith("/account/sign-in", StringComparison.Ordinal) == true)
        {
            var returnUrl = QueryHelpers.ParseQuery(new Uri(new Uri("https://localhost"), response.Headers.Location).Query)["returnUrl"].ToString();
            await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = returnUrl });
            var afterCode = await browser.SubmitAsync("/account/sign-in/code",
                new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone), ["ReturnUrl"] = returnUrl });
            response = await browser.GetAsync(afterCode.Headers.Location!.ToString());
        }

        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"{(int)response.StatusCode}: {Regex.Match(browser.LastPage, "<main[^>]*>([\\s\\S]{0,600})").Value}");
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(redirect, location, StringComparison.Ordinal);
        var code = QueryHelpers.ParseQuery(location[location.IndexOf('?', StringComparison.Ordinal)..])["code"].ToString();

        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirect,
            ["code_verifier"] = verifier,
            ["client_id"] = clientId,
        });
        var token = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), form);
        var body = await token.Content.ReadAsStringAsync();
        Assert.True(token.IsSuccessStatusCode, string.Create(CultureInfo.InvariantCulture, $"{(int)token.StatusCode}: {body}"));
        return new JsonWebToken(JsonDocument.Parse(body).RootElement.GetProperty("id_token").GetString()).Subject;
    }

    private FormClient Browser() => new(portal.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        AllowAutoRedirect = false,
        HandleCookies = true,
    }));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
