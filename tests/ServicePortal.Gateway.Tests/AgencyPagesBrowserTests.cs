using Microsoft.Net.Http.Headers;
using Microsoft.Playwright;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// An agency's answer never runs with the portal's authority: in Chromium, for a signed-in citizen, a hostile
/// agency page served through the gateway can neither read the citizen's pages, nor post a portal form with the
/// citizen's cookie, nor register a service worker over the portal; and a portal page cannot be made to run an
/// agency's script as a service worker.
/// </summary>
public sealed class AgencyPagesBrowserTests(GatewayPortalFactory portal, Browser browser) : IClassFixture<GatewayPortalFactory>, IClassFixture<Browser>
{
    private readonly Browser _browser = browser;

    [Fact]
    public async Task A_hostile_agency_page_cannot_read_the_citizens_pages_post_a_portal_form_or_register_a_service_worker()
    {
        await using var hostile = await HostileAgency.StartAsync();
        var agency = await portal.AddAgencyAsync("web", [hostile.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        var page = await SignedInPageAsync();
        var root = portal.Address.ToString();

        // The hostile page navigates away by itself (its form post) while it loads: wait only for the answer to arrive,
        // not for a load event that its own navigation may pre-empt.
        await page.GotoAsync(new Uri(portal.Address, $"/agencies/{agency}/web/page").ToString(),
            new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await Eventually.ValueAsync(() => Task.FromResult<string?>(hostile.Reports.ContainsKey("form") ? null : Describe(hostile)),
            notYet => notYet is null, "the hostile script to run to its end (last seen: what it reported)");
        await page.ArriveAsync(url => !url.Contains("/web/page", StringComparison.Ordinal)); // the form was posted
        await page.GotoAsync(new Uri(portal.Address, "/account").ToString());
        var stillSignedIn = new Uri(page.Url).AbsolutePath == "/account" && (await page.ContentAsync()).Contains("Rehema Mollel", StringComparison.Ordinal);
        var scopes = await page.EvaluateAsync<string[]>("async () => (await navigator.serviceWorker.getRegistrations()).map(r => r.scope)");

        var breaches = new List<string>();
        if (hostile.Reports["account"].Contains("Rehema Mollel", StringComparison.Ordinal))
        {
            breaches.Add("(a) it read /account: " + Excerpt(hostile.Reports["account"]));
        }

        if (hostile.Reports["maombi"].Contains("<h1>Maombi yangu</h1>", StringComparison.Ordinal))
        {
            breaches.Add("(a) it read /maombi: " + Excerpt(hostile.Reports["maombi"]));
        }

        if (!stillSignedIn)
        {
            breaches.Add($"(b) its form post signed the citizen out ({hostile.Reports["form"]}); /account now shows {page.Url}");
        }

        if (hostile.Reports["sw"].StartsWith("registered", StringComparison.Ordinal) || scopes.Contains(root))
        {
            breaches.Add($"(c) it registered a service worker: {hostile.Reports["sw"]}; registrations: {string.Join(", ", scopes)}");
        }

        Assert.True(breaches.Count == 0, string.Join(Environment.NewLine, breaches));
    }

    [Fact]
    public async Task A_portal_page_cannot_register_an_agency_script_as_a_service_worker()
    {
        await using var hostile = await HostileAgency.StartAsync();
        var agency = await portal.AddAgencyAsync("web", [hostile.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        var page = await SignedInPageAsync();
        await page.GotoAsync(new Uri(portal.Address, "/account").ToString());

        // As script injected into a portal page would try it: the agency's script, for the whole portal or for its own path.
        var forPortal = await RegisterAsync(page, $"/agencies/{agency}/web/sw.js", "/");
        var forItsPath = await RegisterAsync(page, $"/agencies/{agency}/web/sw.js", $"/agencies/{agency}/web/");
        var scopes = await page.EvaluateAsync<string[]>("async () => (await navigator.serviceWorker.getRegistrations()).map(r => r.scope)");

        Assert.StartsWith("refused", forPortal, StringComparison.Ordinal);
        Assert.StartsWith("refused", forItsPath, StringComparison.Ordinal);
        Assert.Empty(scopes);
    }

    private static Task<string> RegisterAsync(IPage page, string script, string scope) =>
        page.EvaluateAsync<string>(
            "async ([script, scope]) => { try { const r = await navigator.serviceWorker.register(script, { scope }); return 'registered ' + r.scope; } catch (e) { return 'refused: ' + e; } }",
            new[] { script, scope });

    /// <summary>
    /// A Chromium page of a citizen signed in with two factors. The sign-in runs as <see cref="PortalFactory.SignInAsync"/>
    /// does; the cookies it left are handed to Chromium exactly as the portal set them (path, HttpOnly, SameSite).
    /// </summary>
    private async Task<IPage> SignedInPageAsync()
    {
        var recorder = new SetCookieRecorder
        {
            InnerHandler = new LoopbackCookies(), // the portal's cookies are Secure; a browser sends them to loopback over http
        };
        using (var client = new FormClient(new HttpClient(recorder) { BaseAddress = portal.Address }))
        {
            var (nin, phone) = await portal.CreateAccountAsync();
            await portal.SignInAsync(client, nin, phone);
        }

        var page = await _browser.NewPageAsync();
        var cookies = recorder.Cookies.Values
            .Where(c => c.Expires is null || c.Expires > DateTimeOffset.UtcNow)
            .Select(c => new Cookie
            {
                Name = c.Name.Value!,
                Value = c.Value.Value!,
                Domain = portal.Address.Host,
                Path = c.Path.HasValue ? c.Path.Value! : "/",
                HttpOnly = c.HttpOnly,
                Secure = c.Secure,
                SameSite = c.SameSite switch
                {
                    Microsoft.Net.Http.Headers.SameSiteMode.Strict => SameSiteAttribute.Strict,
                    Microsoft.Net.Http.Headers.SameSiteMode.Lax => SameSiteAttribute.Lax,
                    _ => SameSiteAttribute.None,
                },
            })
            .ToList();
        Assert.Contains(cookies, c => c.Name == "portal_session");
        await page.Context.AddCookiesAsync(cookies);
        return page;
    }

    private static string Describe(HostileAgency hostile) =>
        string.Join("; ", hostile.Reports.Select(r => $"{r.Key}: {Excerpt(r.Value)}")) + " | requests: " + string.Join(" | ", hostile.Requests);

    private static string Excerpt(string text) => text.Length > 300 ? text[..300] + "…" : text;

    /// <summary>Keeps the last <c>Set-Cookie</c> of each name the portal sent, with all its attributes.</summary>
    private sealed class SetCookieRecorder : DelegatingHandler
    {
        public Dictionary<string, SetCookieHeaderValue> Cookies { get; } = new(StringComparer.Ordinal);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues(HeaderNames.SetCookie, out var values))
            {
                foreach (var value in values)
                {
                    if (SetCookieHeaderValue.TryParse(value, out var cookie))
                    {
                        Cookies[cookie.Name.Value!] = cookie;
                    }
                }
            }

            return response;
        }
    }
}
