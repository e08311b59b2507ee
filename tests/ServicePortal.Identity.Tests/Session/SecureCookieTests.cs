using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using ServicePortal.Identity.Tests.OpenIdConnect;

namespace ServicePortal.Identity.Tests.Session;

/// <summary>The portal as deployed (the harness runs it as production does): every Identity cookie is <c>Secure</c>.</summary>
public sealed class SecureCookiesPortalFactory : IdentityPortalFactory;

public sealed class SecureCookieTests(SecureCookiesPortalFactory portal) : IClassFixture<SecureCookiesPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task Every_identity_cookie_is_Secure_even_when_the_request_reached_the_node_over_plain_HTTP()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);

        // Behind a load balancer that ends TLS, the node sees plain HTTP: the cookie must still be Secure.
        using (var plain = portal.CreateFormClient())
        {
            var afterPassword = await plain.SubmitAsync("/account/sign-in", LockoutTests.Credentials(nin, Password));
            AssertSecure(afterPassword, "portal_pending");
        }

        using var browser = RelyingParty.Browser(portal);
        await browser.SubmitAsync("/account/sign-in", LockoutTests.Credentials(nin, Password));
        var done = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone) });
        AssertSecure(done, "portal_session");
        AssertSecure(done, "portal_device");

        var client = await RelyingParty.RegisterAsync(portal, passwordLevel: true);
        using var low = RelyingParty.Browser(portal);
        var start = await low.GetAsync(client.AuthorizeUrl(Pkce.Create(), acr: RelyingParty.Low));
        var afterLow = await low.SubmitAsync("/account/sign-in", new Dictionary<string, string?>
        {
            ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = RelyingParty.ReturnUrlOf(start), ["Level"] = "low",
        });
        AssertSecure(afterLow, "portal_password_grant");
    }

    private static void AssertSecure(HttpResponseMessage response, string name)
    {
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal))
            : null;
        Assert.True(cookie is not null, $"No {name} cookie was set ({(int)response.StatusCode})");
        Assert.True(cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase), $"{name} is not Secure: {cookie}");
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
