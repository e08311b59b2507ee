using System.Net;
using System.Text.RegularExpressions;
using OtpNet;
using ServicePortal.Identity.Tests.Session;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The citizen's account pages of issue 11, over HTTP against the real host: sign-out in the header and the
/// signed-out page, "Ingia" that keeps the page (and refuses another site's address), the show-password script under
/// the strict CSP, the authenticator's same-phone link and empty code, the change of password, the recent sign-ins.
/// </summary>
public sealed partial class AccountPagesTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";
    private const string NewPassword = "Ndizi-Tamu-Za-Kagera";
    private const string Android = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

    [Fact]
    public async Task A_signed_in_person_signs_out_from_the_header_of_any_page_and_sees_the_signed_out_page()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone, Password);

        foreach (var page in new[] { "/", "/huduma", "/account", "/maombi" })
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(page)).StatusCode);
            var header = Header(browser.LastPage);
            Assert.Contains("<form class=\"site-nav-form\" method=\"post\" action=\"/account/sign-out\">", header, StringComparison.Ordinal);
            Assert.Contains(">Toka</button>", header, StringComparison.Ordinal);
            Assert.Contains("name=\"__af\"", header, StringComparison.Ordinal); // antiforgery: no other site can sign a person out
            Assert.DoesNotContain(">Ingia<", header, StringComparison.Ordinal);
        }

        await browser.GetAsync("/huduma");
        var (signedOut, _) = await browser.PressAsync("/huduma", ">Toka</button>");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/account/signed-out", signedOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/signed-out")).StatusCode);
        Assert.Contains("<h1>Umetoka</h1>", browser.LastPage, StringComparison.Ordinal);
        Assert.Contains(">Ingia<", Header(browser.LastPage), StringComparison.Ordinal);
        await ServerSessionTests.AssertEndsAsync(browser, "/account");

        // Without the antiforgery token nothing happens (a link or a form on another site cannot sign anyone out).
        using var other = portal.CreateFormClient();
        await portal.SignInAsync(other, nin, phone, Password);
        var forged = await other.PostAsync("/account/sign-out", []);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task Ingia_in_the_header_keeps_the_page_the_person_was_on_and_brings_them_back_to_it()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        await browser.GetAsync("/huduma?q=leseni&page=2");
        Assert.Contains("href=\"/account/sign-in?returnUrl=%2Fhuduma%3Fq%3Dleseni%26page%3D2\"", Header(browser.LastPage), StringComparison.Ordinal);

        var link = SignInLink().Match(Header(browser.LastPage)).Groups[1].Value;
        var password = await browser.SubmitAsync(WebUtility.HtmlDecode(link), new Dictionary<string, string?>
        {
            ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = "/huduma?q=leseni&page=2",
        });
        var code = await browser.SubmitAsync(password.Headers.Location!.OriginalString,
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone), ["ReturnUrl"] = "/huduma?q=leseni&page=2" });

        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal("/huduma?q=leseni&page=2", code.Headers.Location!.OriginalString);

        // The account's own pages (and the home page) need no way back.
        using var fresh = portal.CreateFormClient();
        await fresh.GetAsync("/account/signed-out");
        Assert.Contains("href=\"/account/sign-in\"", Header(fresh.LastPage), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example/steal")]
    [InlineData("http:evil.example")]
    public async Task A_returnUrl_to_another_site_is_refused_and_the_person_lands_on_their_account(string returnUrl)
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        var password = await browser.SubmitAsync("/account/sign-in?returnUrl=" + Uri.EscapeDataString(returnUrl),
            new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = returnUrl });
        Assert.DoesNotContain("evil.example", password.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var code = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone), ["ReturnUrl"] = returnUrl });

        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal("/account", code.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Password_inputs_stay_password_inputs_and_the_show_button_comes_from_a_same_origin_script()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        var signIn = await browser.GetAsync("/account/sign-in");
        await portal.SignInAsync(browser, nin, phone, Password);
        await browser.GetAsync("/account/password");
        var change = browser.LastPage;

        foreach (var page in new[] { await signIn.Content.ReadAsStringAsync(), change })
        {
            // Without the script: an ordinary password input, in a wrapper the script reads its words from.
            Assert.Matches("<div class=\"password-input\" data-show-password[^>]*data-show=\"Onyesha\"", page);
            Assert.Matches("<input id=\"[A-Za-z]+\" name=\"[A-Za-z]+\" type=\"password\"", page);
            Assert.DoesNotContain("type=\"button\"", page, StringComparison.Ordinal); // the button is the script's
            var script = Assert.Single(Scripts().Matches(page));
            Assert.StartsWith("/account/show-password.js?v=", script.Groups["src"].Value, StringComparison.Ordinal);
            Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", page); // nothing inline
        }

        Assert.Contains("script-src 'self'", signIn.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", signIn.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var js = await browser.Http.GetAsync(Scripts().Match(change).Groups["src"].Value);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Equal("text/javascript", js.Content.Headers.ContentType!.MediaType);
        Assert.Contains("data-show-password", await js.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_authenticator_page_opens_the_app_on_this_phone_and_an_empty_code_is_asked_for_not_counted()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone, Password);
        await browser.GetAsync("/account/authenticator");

        var link = OtpAuthLink().Match(browser.LastPage);
        Assert.True(link.Success, "no otpauth:// button on the page");
        var secret = SecretOnPage().Match(browser.LastPage).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal);
        Assert.Contains("secret=" + secret, WebUtility.HtmlDecode(link.Groups["href"].Value), StringComparison.Ordinal);
        Assert.Equal("Fungua programu kwenye simu hii", link.Groups["text"].Value);
        Assert.Contains("<img class=\"qr\"", browser.LastPage, StringComparison.Ordinal); // for a second device
        var sealedSecret = WebUtility.HtmlDecode(SealedOnPage().Match(browser.LastPage).Groups[1].Value);

        var empty = await browser.SubmitLoadedFormAsync("/account/authenticator?handler=Enable",
            new Dictionary<string, string?> { ["Sealed"] = sealedSecret, ["Code"] = "" });
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("Andika namba ya tarakimu 6", RegistrationSteps.ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.DoesNotContain("si sahihi", browser.LastPage, StringComparison.Ordinal);
        Assert.Contains("secret=" + secret, WebUtility.HtmlDecode(browser.LastPage), StringComparison.Ordinal); // the same key, still on offer

        var totp = new Totp(Base32Encoding.ToBytes(secret));
        var on = await browser.SubmitLoadedFormAsync("/account/authenticator?handler=Enable",
            new Dictionary<string, string?> { ["Sealed"] = sealedSecret, ["Code"] = totp.ComputeTotp(portal.Clock.GetUtcNow().UtcDateTime) });
        Assert.Equal(HttpStatusCode.Redirect, on.StatusCode);

        // Turning it off: more empty codes than the lock allows wrong ones, and still no lock, since none was a guess.
        await browser.GetAsync("/account/authenticator");
        for (var i = 0; i < 8; i++)
        {
            await browser.SubmitLoadedFormAsync("/account/authenticator?handler=Disable", new Dictionary<string, string?> { ["Code"] = " " });
            Assert.Contains("Andika namba ya tarakimu 6", RegistrationSteps.ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        }

        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.sign_in_locks WHERE locked_until IS NOT NULL AND locked_until > now()"));
        var off = await browser.SubmitLoadedFormAsync("/account/authenticator?handler=Disable",
            new Dictionary<string, string?> { ["Code"] = totp.ComputeTotp(portal.Clock.GetUtcNow().UtcDateTime.AddSeconds(30)) });
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.Equal("sms", await portal.ScalarAsync<string>("SELECT second_factor FROM identity.accounts WHERE nin = @nin", new { nin }));
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_keeps_the_rules_ends_other_sessions_and_texts_the_phone()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        using var other = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone, Password);
        await portal.SignInAsync(other, nin, phone, Password);
        var stamp = await StampAsync(nin);

        await browser.GetAsync("/account");
        Assert.Contains("href=\"/account/password\"", browser.LastPage, StringComparison.Ordinal);

        // The current password, wrong: a field message, and it counts as a wrong attempt of the NIN.
        var wrong = await Change(browser, "Si-Nenosiri-Langu", NewPassword);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Nenosiri la sasa si sahihi.", RegistrationSteps.ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(1, await portal.ScalarAsync<int>(
            "SELECT coalesce(max(failures), 0) FROM identity.sign_in_locks WHERE nin_hash = sha256(convert_to('nin:' || @nin, 'UTF8'))", new { nin }));

        // The rules of registering: too short, the person's own name, two that differ, the same as now.
        foreach (var (newPassword, confirm, message) in new[]
                 {
                     ("Mfupi-1", "Mfupi-1", "herufi 10"),
                     ("Rehema-2026", "Rehema-2026", "jina"),
                     (NewPassword, NewPassword + "x", "hayalingani"),
                     (Password, Password, "tofauti"),
                 })
        {
            var refused = await Change(browser, Password, newPassword, confirm);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains(message, RegistrationSteps.ErrorSummary(browser.LastPage), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(stamp, await StampAsync(nin));

        var changed = await Change(browser, Password, NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/account/password/done", changed.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/password/done")).StatusCode);
        Assert.Contains("<h1>Nenosiri lako limebadilishwa</h1>", browser.LastPage, StringComparison.Ordinal);

        // A new stamp: the other device is signed out; this one stays signed in (with a new session).
        Assert.NotEqual(stamp, await StampAsync(nin));
        await ServerSessionTests.AssertEndsAsync(other, "/account");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        Assert.Contains(await MessagesToAsync(phone), body => body.Contains("nenosiri la akaunti yako limebadilishwa", StringComparison.Ordinal));

        // The new password signs in; the old one does not.
        using var later = portal.CreateFormClient();
        var old = await later.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password });
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        await portal.SignInAsync(later, nin, phone, NewPassword);
        Assert.Equal(HttpStatusCode.OK, (await later.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task The_account_page_lists_the_last_ten_sign_ins_with_device_and_masked_network_kept_ninety_days()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var id = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        // A sign-in from long ago: removed by the next sign-in's tidying, never shown.
        await portal.ExecuteAsync(
            "INSERT INTO identity.sign_ins (account_id, signed_in_at, user_agent) VALUES (@id, now() - interval '91 days', 'Old')", new { id });

        // One real sign-in on a phone (a phone gets at most 5 codes an hour, so earlier days' sign-ins are written as the
        // sign-in writes them), then one on a computer now.
        using (var phoneBrowser = portal.CreateFormClient())
        {
            phoneBrowser.Http.DefaultRequestHeaders.UserAgent.ParseAdd(Android);
            await portal.SignInAsync(phoneBrowser, nin, phone, Password);
        }

        await portal.ExecuteAsync(
            """
            INSERT INTO identity.sign_ins (account_id, signed_in_at, user_agent, client_network)
            SELECT @id, now() - make_interval(days => d), @agent, '196.249.12.0/24' FROM generate_series(1, 10) AS d
            """, new { id, agent = Android });
        using var browser = portal.CreateFormClient();
        browser.Http.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0");
        await portal.SignInAsync(browser, nin, phone, Password);
        Assert.Equal(12, await portal.CountAsync("SELECT count(*) FROM identity.sign_ins WHERE account_id = @id", new { id }));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.sign_ins WHERE user_agent = 'Old'"));

        await browser.GetAsync("/account");
        var list = SignInList().Match(browser.LastPage);
        Assert.True(list.Success, "no list of recent sign-ins on the account page");
        Assert.Contains("Umeingia hivi karibuni", browser.LastPage, StringComparison.Ordinal);
        var rows = Rows().Matches(list.Value).Select(m => m.Value).ToList();
        Assert.Equal(10, rows.Count);
        Assert.Contains("Firefox kwenye Linux", rows[0], StringComparison.Ordinal); // newest first
        Assert.All(rows.Skip(1), row => Assert.Contains("Chrome kwenye Android", row, StringComparison.Ordinal));
        // East Africa Time, as the rest of the portal: "14:05, 2 Desemba 2026".
        Assert.All(rows, row => Assert.Matches("<strong>\\d{2}:\\d{2}, \\d{1,2} [A-Za-z]+ \\d{4}</strong>", row));
        Assert.Contains("Mtandao: 196.249.12.x", rows[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("196.249.12.0", browser.LastPage, StringComparison.Ordinal);

        // Changing the password gives this browser a new session, which is not a sign-in.
        await Change(browser, Password, NewPassword);
        Assert.Equal(12, await portal.CountAsync("SELECT count(*) FROM identity.sign_ins WHERE account_id = @id", new { id }));
    }

    [Fact]
    public void A_network_is_shown_without_the_part_that_names_one_subscriber()
    {
        Assert.Equal("196.249.12.x", ServicePortal.Identity.Session.SessionDevices.Network("196.249.12.0/24"));
        Assert.Equal("2001:db8:12::/48", ServicePortal.Identity.Session.SessionDevices.Network("2001:db8:12::/48"));
        Assert.Equal("", ServicePortal.Identity.Session.SessionDevices.Network(""));
        Assert.Equal("196.249.12.x", ServicePortal.Identity.Session.SessionDevices.Network(
            ServicePortal.Identity.Session.SessionDevices.MaskedNetwork(IPAddress.Parse("196.249.12.201"))));
    }

    private static async Task<HttpResponseMessage> Change(FormClient browser, string current, string newPassword, string? confirm = null) =>
        await browser.SubmitAsync("/account/password", new Dictionary<string, string?>
        {
            ["CurrentPassword"] = current, ["Password"] = newPassword, ["Confirm"] = confirm ?? newPassword,
        });

    private Task<Guid> StampAsync(string nin) =>
        portal.ScalarAsync<Guid>("SELECT security_stamp FROM identity.accounts WHERE nin = @nin", new { nin });

    private async Task<IReadOnlyList<string>> MessagesToAsync(string phone)
    {
        await using var dataSource = portal.Database.CreateDataSource();
        return [.. (await Core.Messaging.Outbox.ListRecentAsync(dataSource, 20, phone, CancellationToken.None)).Select(m => m.Body)];
    }

    private static string Header(string page)
    {
        var start = page.IndexOf("<header", StringComparison.Ordinal);
        var end = page.IndexOf("</header>", start, StringComparison.Ordinal);
        return page[start..end];
    }

    [GeneratedRegex("<script src=\"(?<src>[^\"]+)\" defer></script>")]
    private static partial Regex Scripts();

    [GeneratedRegex("<a class=\"button\" href=\"(?<href>otpauth://[^\"]+)\">(?<text>[^<]+)</a>")]
    private static partial Regex OtpAuthLink();

    [GeneratedRegex("<code class=\"secret\">([A-Z2-7 ]+)</code>")]
    private static partial Regex SecretOnPage();

    [GeneratedRegex("name=\"Sealed\" value=\"([^\"]+)\"")]
    private static partial Regex SealedOnPage();

    [GeneratedRegex("href=\"(/account/sign-in[^\"]*)\"")]
    private static partial Regex SignInLink();

    [GeneratedRegex("<ul class=\"sessions sign-ins\">.*?</ul>", RegexOptions.Singleline)]
    private static partial Regex SignInList();

    [GeneratedRegex("<li>.*?</li>", RegexOptions.Singleline)]
    private static partial Regex Rows();
}
