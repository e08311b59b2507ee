using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Security;
using ServicePortal.Identity.OpenIdConnect;

namespace ServicePortal.Requests.Tests.Api;

/// <summary>
/// "Nani ameangalia taarifa zangu / Who viewed my data" over HTTP: the citizen sees their own staff accesses and the
/// agency calls made under their identity, never another citizen's; anonymous callers and tokens without the
/// <c>requests</c> scope are refused; a bad page is an RFC 9457 problem.
/// </summary>
public sealed class AccessHistoryTests(RequestsPortalFactory portal) : IClassFixture<RequestsPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    /// <summary>On a real port: an app's sign-in redirects to a loopback address.</summary>
    private Uri Address => portal.Address;

    [Fact]
    public async Task The_page_shows_the_citizen_s_own_accesses_and_agency_calls_and_never_another_s()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var (otherNin, _) = await portal.CreateAccountAsync(Password);
        var me = await AccountOfAsync(nin);
        var other = await AccountOfAsync(otherNin);
        await Seed(portal, me, "Mwananchi aliomba msaada <b>kwa simu</b>", "REF-MINE", "mine-endpoint");
        await Seed(portal, other, "Siri ya mwingine", "REF-OTHER", "other-endpoint");
        using var browser = new FormClient(LoopbackCookies.Client(Address));
        await portal.SignInAsync(browser, nin, phone, Password);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        Assert.True(browser.LastPage.Contains("href=\"/account/access-log\"", StringComparison.Ordinal), "the account page links to who viewed my data");
        var first = await browser.GetAsync("/account/access-log");
        Assert.True(first.StatusCode == HttpStatusCode.OK, portal.Logs.Recent());
        await Eventually.TrueAsync(async () =>
        {
            await browser.GetAsync("/account/access-log");
            return browser.LastPage.Contains("mine-endpoint", StringComparison.Ordinal);
        }, "the agency call on the page");

        var page = browser.LastPage;
        Assert.Contains("<h1>Nani ameangalia taarifa zangu</h1>", page, StringComparison.Ordinal);
        Assert.Contains("Afisa wa RITA", page, StringComparison.Ordinal);
        Assert.Contains("Alikutafuta", page, StringComparison.Ordinal);
        Assert.Contains("Mwananchi aliomba msaada &lt;b&gt;kwa simu&lt;/b&gt;", page, StringComparison.Ordinal); // escaped
        Assert.DoesNotContain("Siri ya mwingine", page, StringComparison.Ordinal);
        Assert.DoesNotContain("other-endpoint", page, StringComparison.Ordinal);
        // A page number that is not one shows the first page, not an error.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/access-log?page=abc")).StatusCode);
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        using var browser = new FormClient(LoopbackCookies.Client(Address));

        var response = await browser.GetAsync("/account/access-log");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_returns_the_citizen_s_own_rows_paged_and_refuses_bad_input_anonymous_and_the_wrong_scope()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var (otherNin, _) = await portal.CreateAccountAsync(Password);
        var me = await AccountOfAsync(nin);
        await Seed(portal, me, "sababu ya kwanza", "REF-1", "mine-api");
        await Seed(portal, me, "sababu ya pili", "REF-2", "mine-api");
        await Seed(portal, await AccountOfAsync(otherNin), "ya mwingine", "REF-X", "other-api");
        using var http = LoopbackCookies.Client(Address);
        var token = await AppTokens.CitizenAsync(portal, http, nin, phone, "openid requests");
        using var api = LoopbackCookies.Client(Address);

        // Anonymous, and a browser cookie alone, are nobody here.
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/me/access-log")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/me/access-log")).StatusCode);

        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var json = await Eventually.ValueAsync(async () => await ReadAsync(api, "/api/me/access-log?page=1&pageSize=1"),
            j => j.GetProperty("agencyCalls").GetArrayLength() == 1, "the agency calls in the API");
        Assert.Equal(1, json.GetProperty("accesses").GetArrayLength());
        Assert.True(json.GetProperty("moreAccesses").GetBoolean());
        var newest = json.GetProperty("accesses")[0];
        Assert.Equal("sababu ya pili", newest.GetProperty("reason").GetString());
        Assert.EndsWith("+03:00", newest.GetProperty("at").GetString(), StringComparison.Ordinal);
        Assert.Equal("RITA", json.GetProperty("agencyCalls")[0].GetProperty("agency").GetString());

        var second = await ReadAsync(api, "/api/me/access-log?page=2&pageSize=1");
        Assert.Equal("sababu ya kwanza", second.GetProperty("accesses")[0].GetProperty("reason").GetString());
        Assert.False(second.GetProperty("moreAccesses").GetBoolean());
        var all = (await api.GetStringAsync("/api/me/access-log")).ToString();
        Assert.DoesNotContain("ya mwingine", all, StringComparison.Ordinal);
        Assert.DoesNotContain("other-api", all, StringComparison.Ordinal);

        foreach (var bad in new[] { "?page=0", "?page=abc", "?pageSize=101", "?page=1&page=2", "?pageSize=-1", "?page=1.5" })
        {
            var refused = await api.GetAsync("/api/me/access-log" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("urn:serviceportal:problem:invalid-page", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A token without the requests scope is refused.
        using var otherBrowser = LoopbackCookies.Client(Address);
        var openidOnly = await AppTokens.CitizenAsync(portal, otherBrowser, nin, phone, "openid");
        using var wrongScope = LoopbackCookies.Client(Address);
        wrongScope.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", openidOnly);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongScope.GetAsync("/api/me/access-log")).StatusCode);
    }

    /// <summary>A RITA officer's lookup (Core's access log) and a call to RITA under the citizen's RITA subject (the gateway's queue).</summary>
    private static async Task SeedAsync(PortalFactory portal, Guid citizen, string reason, string subject, string endpoint)
    {
        await using (var dataSource = portal.Database.CreateDataSource())
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await AccessLog.RecordAsync(connection, null,
                new AccessLogEntry(citizen, Guid.NewGuid(), "agency_officer:rita", AccessAction.Lookup, subject, "complaint", reason),
                CancellationToken.None);
        }

        var agencySubject = await portal.Services.GetRequiredService<PairwiseSubjects>().ForAsync(citizen, "agency:rita", CancellationToken.None);
        portal.Services.GetRequiredService<IAgencyCallAudit>().Record(new AgencyCall(DateTimeOffset.UtcNow, Guid.NewGuid().ToString("N"),
            agencySubject, "rita", endpoint, "GET", "/status", 200, 5, 0, 10, IPAddress.Loopback));
    }

    private static async Task<JsonElement> ReadAsync(HttpClient api, string path)
    {
        var response = await api.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static Task Seed(PortalFactory portal, Guid citizen, string reason, string subject, string endpoint) =>
        SeedAsync(portal, citizen, reason, subject, endpoint);

    private Task<Guid> AccountOfAsync(string nin) =>
        portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin = nin.Replace("-", "", StringComparison.Ordinal) });

}
