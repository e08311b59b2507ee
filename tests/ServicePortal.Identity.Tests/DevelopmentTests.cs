using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace ServicePortal.Identity.Tests;

/// <summary>The portal as a developer runs it: demo accounts, the message viewer, the demo clients.</summary>
public sealed class DevelopmentIdentityFactory : IdentityPortalFactory
{
    public override string Environment => "Development";
}

public sealed class DevelopmentTests(DevelopmentIdentityFactory portal) : IClassFixture<DevelopmentIdentityFactory>
{
    [Fact]
    public async Task The_demo_citizen_signs_in_and_the_code_is_on_the_message_viewer()
    {
        using var browser = portal.CreateFormClient();

        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?>
        {
            ["Nin"] = "19900415-11111-00001-23",
            ["Password"] = "Karibu-Portal-2026",
        });
        using var messages = JsonDocument.Parse(await browser.Http.GetStringAsync("/dev/messages.json"));
        var newest = messages.RootElement.EnumerateArray().First();
        var page = await browser.Http.GetStringAsync("/dev/messages");

        Assert.Equal("+255700000001", newest.GetProperty("to").GetString());
        Assert.Equal("sms", newest.GetProperty("channel").GetString());
        var code = System.Text.RegularExpressions.Regex.Match(newest.GetProperty("body").GetString()!, @"\d{6}").Value;
        Assert.Contains(code, page, StringComparison.Ordinal);
        var done = await browser.SubmitAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
    }

    [Fact]
    public async Task The_dev_client_accepts_a_loopback_redirect_on_any_port()
    {
        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

        var response = await http.GetAsync("/connect/authorize?client_id=portal-dev-client&response_type=code&scope=openid" +
            $"&redirect_uri={Uri.EscapeDataString("http://127.0.0.1:49152/callback")}&code_challenge={challenge}&code_challenge_method=S256");
        var wrongPath = await http.GetAsync("/connect/authorize?client_id=portal-dev-client&response_type=code&scope=openid" +
            $"&redirect_uri={Uri.EscapeDataString("http://127.0.0.1:49152/elsewhere")}&code_challenge={challenge}&code_challenge_method=S256");

        // Not signed in: on to the sign-in page, not an error.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, wrongPath.StatusCode);
    }
}

public sealed class ProductionHasNoDevelopmentPages(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    [Fact]
    public async Task The_message_viewer_does_not_exist_outside_Development()
    {
        using var http = portal.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dev/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dev/messages.json")).StatusCode);
    }
}
