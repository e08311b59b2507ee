using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.Tests.OpenIdConnect;

/// <summary>
/// A relying party of the portal, as a test drives it over HTTP: a client registered for the test, the
/// authorization request (PKCE S256), the consent form, the token endpoint.
/// </summary>
public sealed partial class RelyingParty
{
    public const string Secret = "a-long-client-secret-for-tests-only";
    public const string Low = "urn:serviceportal:loa:low";
    public const string Substantial = "urn:serviceportal:loa:substantial";

    private readonly PortalFactory _portal;

    private RelyingParty(PortalFactory portal, string clientId)
    {
        _portal = portal;
        ClientId = clientId;
        RedirectUri = $"https://{clientId}.example/callback";
    }

    public string ClientId { get; }

    public string RedirectUri { get; }

    /// <param name="passwordLevel">Whether the client is configured to ask for the password-only level.</param>
    public static async Task<RelyingParty> RegisterAsync(PortalFactory portal, string consent = ConsentTypes.Explicit, bool passwordLevel = false)
    {
        ArgumentNullException.ThrowIfNull(portal);
        var party = new RelyingParty(portal, "rp-" + Guid.NewGuid().ToString("N")[..12]);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = party.ClientId,
            ClientSecret = Secret,
            ClientType = ClientTypes.Confidential,
            ConsentType = consent,
            DisplayName = "Huduma ya Majaribio",
            RedirectUris = { new Uri(party.RedirectUri) },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code, Permissions.Scopes.Profile,
                Permissions.Prefixes.Scope + Scopes.OfflineAccess,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        if (passwordLevel)
        {
            descriptor.Properties["password_level"] = JsonSerializer.SerializeToElement(true);
        }

        await using var scope = portal.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
        return party;
    }

    /// <summary>A browser on the portal's https address (keeps cookies, does not follow redirects).</summary>
    public static FormClient Browser(PortalFactory portal)
    {
        ArgumentNullException.ThrowIfNull(portal);
        return new FormClient(portal.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"),
            AllowAutoRedirect = false,
            HandleCookies = true,
        }));
    }

    public string AuthorizeUrl(Pkce pkce, string scope = "openid", string? acr = null, string? extra = null)
    {
        ArgumentNullException.ThrowIfNull(pkce);
        return $"/connect/authorize?client_id={ClientId}&response_type=code&scope={Uri.EscapeDataString(scope)}" +
               $"&redirect_uri={Uri.EscapeDataString(RedirectUri)}&state=st4te&nonce=n0nce" +
               $"&code_challenge={pkce.Challenge}&code_challenge_method=S256" +
               (acr is null ? "" : "&acr_values=" + Uri.EscapeDataString(acr)) + (extra ?? "");
    }

    /// <summary>The <c>returnUrl</c> of a redirect to the sign-in page.</summary>
    public static string ReturnUrlOf(HttpResponseMessage toSignIn)
    {
        ArgumentNullException.ThrowIfNull(toSignIn);
        var location = new Uri(new Uri("https://localhost"), toSignIn.Headers.Location!);
        return QueryHelpers.ParseQuery(location.Query)["returnUrl"].ToString();
    }

    /// <summary>Accepts the consent page the browser has just loaded.</summary>
    public static async Task<HttpResponseMessage> AcceptConsentAsync(FormClient browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        Assert.Contains("inaomba ruhusa", browser.LastPage, StringComparison.Ordinal);
        var fields = HiddenFields().Matches(browser.LastPage)
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => (string?)WebUtility.HtmlDecode(m.Groups[2].Value));
        fields.Remove("__af");
        fields["decision"] = "accept";
        return await browser.SubmitLoadedFormAsync("/connect/authorize", fields);
    }

    /// <summary>
    /// Authorize → sign in (password, SMS code) → consent if asked → the code. <paramref name="browser"/> may
    /// already be signed in.
    /// </summary>
    public async Task<string> SignInAndAuthorizeAsync(FormClient browser, string nin, string phone, Pkce pkce,
        string scope = "openid", string password = "Mti-Mrefu-Wa-Mwembe")
    {
        ArgumentNullException.ThrowIfNull(browser);
        var response = await browser.GetAsync(AuthorizeUrl(pkce, scope));
        if (response.Headers.Location?.OriginalString.StartsWith("/account/sign-in", StringComparison.Ordinal) == true)
        {
            var returnUrl = ReturnUrlOf(response);
            await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = password, ["ReturnUrl"] = returnUrl });
            var afterCode = await browser.SubmitAsync("/account/sign-in/code",
                new Dictionary<string, string?> { ["Code"] = await _portal.LatestCodeAsync(phone), ["ReturnUrl"] = returnUrl });
            response = await browser.GetAsync(afterCode.Headers.Location!.OriginalString);
        }

        if (response.StatusCode == HttpStatusCode.OK)
        {
            response = await AcceptConsentAsync(browser);
        }

        return CodeOf(response);
    }

    /// <summary>The code at the client's redirect URI (asserting that is where the browser was sent).</summary>
    public string CodeOf(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(RedirectUri, response.Headers.Location!.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("st4te", query["state"].ToString());
        return query["code"].ToString();
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        fields["client_id"] = ClientId;
        fields["client_secret"] = Secret;
        using var http = _portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var content = new FormUrlEncodedContent(fields);
        var response = await http.PostAsync("/connect/token", content);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    public async Task<JsonElement> RedeemAsync(string code, Pkce pkce)
    {
        ArgumentNullException.ThrowIfNull(pkce);
        var (status, body) = await TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = pkce.Verifier,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenFields();
}

public sealed record Pkce(string Verifier, string Challenge)
{
    public static Pkce Create()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return new Pkce(verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
