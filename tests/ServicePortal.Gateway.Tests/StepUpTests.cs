using System.Net;
using System.Net.Http.Headers;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// A <c>citizen_substantial</c> endpoint and a citizen who gave the password only: a program is asked to step up
/// (RFC 9470), a browser is sent to sign in with two factors and brought back; neither gets a bare 403, and the
/// agency sees nothing.
/// </summary>
public sealed class StepUpTests(GatewayPortalFactory portal) : IClassFixture<GatewayPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task A_substantial_endpoint_asks_a_password_only_token_to_step_up_and_sends_a_browser_to_sign_in()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("vyeti", [backend.Address], access: "citizen_substantial");
        await portal.RoutesCaughtUpAsync();
        var (nin, _) = await portal.CreateAccountAsync(Password);
        using var browser = portal.NewBrowser();
        // An app that asks for the password level only, with the scope gateway: the citizen gives NIN and password.
        var token = await AppTokens.PasswordLevelAsync(portal, browser.Http, nin, "openid gateway", Password);

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
}
