using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using ServicePortal.Identity.Tests.OpenIdConnect;

namespace ServicePortal.Identity.Tests.Session;

/// <summary>
/// Sessions are rows in PostgreSQL; the cookie only names one. Ending the row ends every copy of the cookie;
/// the account page lists the rows and ends them; a change of roles ends them.
/// </summary>
public sealed partial class ServerSessionTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    internal const string AndroidChrome =
        "Mozilla/5.0 (Linux; Android 13; TECNO KI5k) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36";

    internal const string WindowsFirefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";

    [Fact]
    public async Task A_copied_session_cookie_stops_working_after_sign_out()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        using var owner = portal.CreateFormClient();
        var cookie = await SignInAsync(owner, nin, phone);
        using var thief = CookieClient(portal, cookie);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/account")).StatusCode);

        await owner.SubmitAsync("/account/sign-out", new Dictionary<string, string?>());

        var after = await thief.GetAsync("/account");
        Assert.True(after.StatusCode == HttpStatusCode.Redirect, $"The copied cookie still opened /account ({(int)after.StatusCode}) after sign-out");
        Assert.StartsWith("/account/sign-in", after.Headers.Location!.PathAndQuery(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_account_page_lists_each_session_with_its_device_time_and_a_masked_network()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        using var phoneBrowser = portal.CreateFormClient();
        phoneBrowser.Http.DefaultRequestHeaders.UserAgent.ParseAdd(AndroidChrome);
        using var laptop = portal.CreateFormClient();
        laptop.Http.DefaultRequestHeaders.UserAgent.ParseAdd(WindowsFirefox);
        await SignInAsync(phoneBrowser, nin, phone);
        await SignInAsync(laptop, nin, phone);

        await phoneBrowser.GetAsync("/account");
        var page = WebUtility.HtmlDecode(phoneBrowser.LastPage);

        Assert.Contains("Chrome kwenye Android", page, StringComparison.Ordinal);
        Assert.Contains("Firefox kwenye Windows", page, StringComparison.Ordinal);
        Assert.Contains("Kifaa hiki", page, StringComparison.Ordinal);
        Assert.Contains("Toka kila mahali", page, StringComparison.Ordinal);
        Assert.Single(SessionIdsOnPage().Matches(page)); // only the other session has its own button
    }

    [Fact]
    public async Task Signing_out_one_other_session_from_the_account_page_ends_only_that_one()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        using var mine = portal.CreateFormClient();
        using var other = portal.CreateFormClient();
        await SignInAsync(mine, nin, phone);
        await SignInAsync(other, nin, phone);

        await mine.GetAsync("/account");
        var otherId = SessionIdsOnPage().Match(mine.LastPage).Groups[1].Value;
        var ended = await mine.SubmitLoadedFormAsync("/account?handler=End", new Dictionary<string, string?> { ["SessionId"] = otherId });

        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mine.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task A_session_id_of_another_account_ends_nothing()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var (victimNin, victimPhone) = await portal.CreateAccountAsync();
        using var attacker = portal.CreateFormClient();
        using var victim = portal.CreateFormClient();
        await SignInAsync(attacker, nin, phone);
        await SignInAsync(victim, victimNin, victimPhone);
        var victimSession = await portal.ScalarAsync<Guid>(
            "SELECT s.id FROM identity.sessions s JOIN identity.accounts a ON a.id = s.account_id WHERE a.nin = @nin", new { nin = victimNin });

        await attacker.SubmitAsync("/account?handler=End", new Dictionary<string, string?> { ["SessionId"] = victimSession.ToString() }, "/account");

        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_session_of_the_account()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        using var mine = portal.CreateFormClient();
        using var other = portal.CreateFormClient();
        await SignInAsync(mine, nin, phone);
        await SignInAsync(other, nin, phone);

        await mine.SubmitAsync("/account?handler=EndAll", new Dictionary<string, string?>(), "/account");

        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await mine.GetAsync("/account")).StatusCode);
    }

    [Theory]
    [InlineData("DELETE FROM identity.account_roles WHERE account_id = @id")]
    [InlineData("INSERT INTO identity.account_roles (account_id, role) VALUES (@id, 'administrator')")]
    public async Task A_change_of_roles_ends_the_sessions_of_the_account(string change)
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var id = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        await portal.ExecuteAsync("INSERT INTO identity.account_roles (account_id, role) VALUES (@id, 'helpdesk_agent')", new { id });
        using var staff = portal.CreateFormClient();
        await SignInAsync(staff, nin, phone);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/staff")).StatusCode);

        await portal.ExecuteAsync(change, new { id });

        await AssertEndsAsync(staff, "/staff");
    }

    [Fact]
    public async Task Prompt_login_asks_for_a_new_sign_in_without_ending_the_session()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var client = await RelyingParty.RegisterAsync(portal);
        using var browser = RelyingParty.Browser(portal);
        await SignInAsync(browser, nin, phone);

        var prompt = await browser.GetAsync(client.AuthorizeUrl(Pkce.Create(), extra: "&prompt=login"));

        Assert.StartsWith("/account/sign-in", prompt.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
    }

    /// <summary>Signs in (password and SMS code) and returns the session cookie the browser was given.</summary>
    internal static async Task<string> SignInAsync(PortalFactory portal, FormClient browser, string nin, string phone)
    {
        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = "Mti-Mrefu-Wa-Mwembe" });
        var done = await browser.SubmitAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = await portal.SignInCodeAsync(phone) });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var cookie = done.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("portal_session=", StringComparison.Ordinal));
        return cookie[..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    /// <summary>A client that sends exactly this cookie, as someone who copied it would.</summary>
    internal static HttpClient CookieClient(PortalFactory portal, string cookie)
    {
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    /// <summary>
    /// Asks for the page until the session is refused (sent to sign in). The tests' host keeps sessions in its cache
    /// for minutes (<see cref="IdentityPortalFactory"/>), longer than this waits, so only the change being tested (an
    /// eviction announced by NOTIFY, a row ended) can end it, however slow the machine is.
    /// </summary>
    internal static async Task AssertEndsAsync(FormClient browser, string page)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var response = await Eventually.ValueAsync(() => browser.GetAsync(page),
            r => r.StatusCode == HttpStatusCode.Redirect, $"{page} to send the browser to sign in");
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.PathAndQuery(), StringComparison.Ordinal);
    }

    private Task<string> SignInAsync(FormClient browser, string nin, string phone) => SignInAsync(portal, browser, nin, phone);

    [GeneratedRegex("name=\"SessionId\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex SessionIdsOnPage();
}

/// <summary>
/// A second node on the same database: a session ended on one node is refused on the other at once (the end is
/// announced by NOTIFY), and the per-node cache never keeps it alive.
/// </summary>
public sealed class SessionAcrossNodesTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    [Fact]
    public async Task Signing_out_on_one_node_ends_a_copy_of_the_cookie_used_on_another()
    {
        var second = new IdentityPortalFactory();
        await second.InitializeAsync();
        second.SharingDatabaseWith(portal);
        try
        {
            var (nin, phone) = await portal.CreateAccountAsync();
            using var owner = portal.CreateFormClient();
            var cookie = await ServerSessionTests.SignInAsync(portal, owner, nin, phone);
            using var copy = ServerSessionTests.CookieClient(second, cookie);
            Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/account")).StatusCode); // now in node two's cache

            await owner.SubmitAsync("/account/sign-out", new Dictionary<string, string?>());

            // Node two caches sessions for minutes: only the announced end can refuse the copy within the wait.
            await Eventually.TrueAsync(async () => (await copy.GetAsync("/account")).StatusCode != HttpStatusCode.OK,
                "the second node to refuse the signed-out session");
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
        }
    }
}
