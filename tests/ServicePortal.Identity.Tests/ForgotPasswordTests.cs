using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OtpNet;
using ServicePortal.DemoAgencies.Agencies.Nida;
using ServicePortal.Identity.Authenticator;
using static ServicePortal.Identity.Tests.RegistrationSteps;

namespace ServicePortal.Identity.Tests;

/// <summary>A forgotten password, reset by proving who you are again: the registry's question, then the account's phone.</summary>
public sealed class ForgotPasswordTests(RegistryPortalFactory portal) : IClassFixture<RegistryPortalFactory>
{
    private const string OldPassword = "Mti-Mrefu-Wa-Mwembe";
    private const string NewPassword = "Kahawa-Chungu-Asubuhi";

    [Fact]
    public async Task Resets_the_password_with_a_code_sent_to_the_accounts_phone_then_asks_to_sign_in_and_ends_every_session()
    {
        var amina = Person("Amina");
        const string accountPhone = "+255700000001";
        await CreateAccountAsync(amina, accountPhone, OldPassword);
        using var before = portal.CreateFormClient();
        await SignInAsync(before, amina.Nin, OldPassword, accountPhone);
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/account")).StatusCode);

        using var browser = portal.CreateFormClient();
        // The page asks no phone; one slipped into the form is ignored.
        await browser.ProveIdentityAsync(amina, phone: "0799 999 999", start: "/account/forgot-password");
        await browser.GetAsync("/account/register/code");
        Assert.Contains("+255 7** *** 001", WebUtility.HtmlDecode(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = '+255799999999'"));
        await portal.ConfirmPhoneAsync(browser, accountPhone);
        var done = await browser.ChoosePasswordAsync(NewPassword);

        // No session comes out of a reset: the person signs in with the new password and the second factor.
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.DoesNotContain(done.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [],
            cookie => cookie.StartsWith("portal_session=", StringComparison.Ordinal) && !cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("/account/forgot-password/done", done.Headers.Location!.OriginalString);
        await browser.GetAsync("/account/forgot-password/done");
        Assert.Contains("Nenosiri lako limebadilishwa", browser.LastPage, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/sign-in\"", browser.LastPage, StringComparison.Ordinal);
        var afterwards = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.StartsWith("/account/sign-in", afterwards.Headers.Location!.PathAndQuery(), StringComparison.Ordinal);

        // The session from before the reset is over.
        var old = await before.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
        Assert.StartsWith("/account/sign-in", old.Headers.Location!.PathAndQuery(), StringComparison.Ordinal);

        using var later = portal.CreateFormClient();
        await later.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = amina.Nin, ["Password"] = OldPassword });
        Assert.Contains("NIN au nenosiri si sahihi", ErrorSummary(later.LastPage), StringComparison.Ordinal);
        await SignInAsync(later, amina.Nin, NewPassword, accountPhone);
        Assert.Equal(HttpStatusCode.OK, (await later.GetAsync("/account")).StatusCode);
        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM identity.accounts WHERE phone = @accountPhone", new { accountPhone }));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = @nin",
            new { nin = amina.Nin.Replace("-", "", StringComparison.Ordinal) }));
    }

    [Fact]
    public async Task A_reset_of_an_account_with_an_authenticator_app_cannot_complete_with_the_SMS_code_alone()
    {
        var neema = Person("Neema");
        const string accountPhone = "+255700000003";
        var accountId = await CreateAccountAsync(neema, accountPhone, OldPassword);
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        await using (var connection = new Npgsql.NpgsqlConnection(portal.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await portal.Services.GetRequiredService<AuthenticatorApp>().EnableAsync(connection, transaction, accountId, secret, 0, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var hashBefore = await PasswordHashAsync(accountId);
        using var browser = portal.CreateFormClient();

        // A SIM swap gives the SMS code; the registry's question is guessed or known.
        await browser.ProveIdentityAsync(neema, phone: null, start: "/account/forgot-password");
        await browser.SubmitAsync("/account/register/code",
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(accountPhone) });
        var withSmsOnly = await browser.ChoosePasswordAsync(NewPassword, formPage: "/account/forgot-password");

        Assert.Equal(hashBefore, await PasswordHashAsync(accountId));
        Assert.NotEqual("/account/forgot-password/done", withSmsOnly.Headers.Location?.OriginalString);

        // The authenticator app's code is asked for next; a wrong one is refused, the right one opens the last step.
        var app = await browser.GetAsync("/account/register/app");
        Assert.Equal(HttpStatusCode.OK, app.StatusCode);
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        var wrong = totp.ComputeTotp() == "000000" ? "000001" : "000000";
        await browser.SubmitAsync("/account/register/app", new Dictionary<string, string?> { ["Code"] = wrong });
        Assert.Contains("Namba si sahihi", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        var right = await browser.SubmitAsync("/account/register/app", new Dictionary<string, string?> { ["Code"] = totp.ComputeTotp() });
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.StartsWith("/account/register/password", right.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var done = await browser.ChoosePasswordAsync(NewPassword);
        Assert.Equal("/account/forgot-password/done", done.Headers.Location?.OriginalString);
        Assert.NotEqual(hashBefore, await PasswordHashAsync(accountId));
    }

    [Fact]
    public async Task A_staff_accounts_password_has_no_self_service_reset()
    {
        var baraka = Person("Baraka");
        const string accountPhone = "+255700000004";
        var accountId = await CreateAccountAsync(baraka, accountPhone, OldPassword);
        await portal.ExecuteAsync("INSERT INTO identity.account_roles (account_id, role) VALUES (@accountId, 'administrator')", new { accountId });
        var hashBefore = await PasswordHashAsync(accountId);
        using var browser = portal.CreateFormClient();

        // Before the registry's question is answered, a staff account looks like any other: nothing tells a stranger.
        var started = await browser.SubmitAsync("/account/forgot-password", Details(baraka, phone: null));
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        Assert.StartsWith("/account/register/question", started.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await browser.GetAsync("/account/register/question");
        var answered = await browser.SubmitAsync("/account/register/question",
            new Dictionary<string, string?> { ["Answer"] = AnswerTo(browser.LastPage, baraka) });

        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = @accountPhone", new { accountPhone }));
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.StartsWith("/account/assisted-recovery", answered.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await browser.GetAsync(answered.Headers.Location.OriginalString);
        Assert.Contains("dawati la msaada", browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(hashBefore, await PasswordHashAsync(accountId));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = @nin",
            new { nin = baraka.Nin.Replace("-", "", StringComparison.Ordinal) }));
        var password = await browser.GetAsync("/account/register/password");
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
    }

    [Fact]
    public async Task Someone_without_the_accounts_phone_is_sent_to_assisted_recovery_and_nothing_changes()
    {
        var emmanuel = Person("Emmanuel");
        const string accountPhone = "+255700000006";
        var accountId = await CreateAccountAsync(emmanuel, accountPhone, OldPassword);
        var hashBefore = await PasswordHashAsync(accountId);
        using var browser = portal.CreateFormClient();
        await browser.ProveIdentityAsync(emmanuel, start: "/account/forgot-password?lang=en");
        await browser.GetAsync("/account/register/code");
        Assert.Contains("I no longer have this phone", browser.LastPage, StringComparison.Ordinal);

        var lost = await browser.SubmitAsync("/account/register/code?handler=Lost", new Dictionary<string, string?>(),
            formPage: "/account/register/code");

        Assert.Equal(HttpStatusCode.Redirect, lost.StatusCode);
        Assert.Equal("/account/assisted-recovery", lost.Headers.Location!.OriginalString);
        await browser.GetAsync("/account/assisted-recovery?lang=en");
        Assert.Contains("Call the helpdesk", browser.LastPage, StringComparison.Ordinal);
        Assert.Contains("msaada@huduma.example", browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(hashBefore, await PasswordHashAsync(accountId));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = @nin",
            new { nin = emmanuel.Nin.Replace("-", "", StringComparison.Ordinal) }));
    }

    [Fact]
    public async Task An_accounts_phone_the_registry_no_longer_holds_for_the_NIN_gets_no_code()
    {
        // An account registered with a number the registry does not hold for the NIN (before registration checked
        // it, or a number given up since and perhaps reissued to someone else).
        var fatuma = Person("Fatuma");
        const string accountPhone = "+255754300005";
        await CreateAccountAsync(fatuma, accountPhone, OldPassword);
        using var browser = portal.CreateFormClient();

        await browser.SubmitAsync("/account/forgot-password", Details(fatuma));
        await browser.GetAsync("/account/register/question");
        var answered = await browser.SubmitAsync("/account/register/question",
            new Dictionary<string, string?> { ["Answer"] = AnswerTo(browser.LastPage, fatuma) });

        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.Equal("/account/assisted-recovery", answered.Headers.Location!.OriginalString);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient IN (@accountPhone, '+255700000005')",
            new { accountPhone }));
    }

    [Fact]
    public async Task A_NIN_without_an_account_is_told_to_register_first()
    {
        using var browser = portal.CreateFormClient();

        var response = await browser.SubmitAsync("/account/forgot-password", Details(Person("Juma"), phone: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hakuna akaunti ya NIN hii bado. Jisajili kwanza.", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = '19851102222220000234'"));
    }

    [Fact]
    public Task Whether_a_NIN_has_an_account_is_told_only_to_someone_whose_details_match_the_register() =>
        AssertAccountExistenceIsNotToldAsync(portal, "/account/forgot-password");

    [Fact]
    public async Task The_reset_page_asks_no_phone_number()
    {
        using var browser = portal.CreateFormClient();

        await browser.GetAsync("/account/forgot-password");

        Assert.Contains("Rejesha nenosiri", browser.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Phone\"", browser.LastPage, StringComparison.Ordinal);
    }

    private async Task<Guid> CreateAccountAsync(RegisteredPerson person, string phone, string password)
    {
        var hash = portal.Services.GetRequiredService<Accounts.PasswordHashing>().Hash(password);
        await using var connection = new NpgsqlConnection(portal.Database.ConnectionString);
        return await connection.ExecuteScalarAsync<Guid>(
            """
            INSERT INTO identity.accounts (nin, first_name, middle_name, last_name, date_of_birth, phone, password_hash)
            VALUES (@nin, @FirstName, @MiddleName, @LastName, CAST(@born AS date), @phone, @hash)
            RETURNING id
            """,
            new { nin = person.Nin.Replace("-", "", StringComparison.Ordinal), person.FirstName, person.MiddleName, person.LastName,
                born = person.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), phone, hash });
    }

    private Task<string> PasswordHashAsync(Guid accountId) =>
        portal.ScalarAsync<string>("SELECT password_hash FROM identity.accounts WHERE id = @accountId", new { accountId });

    private async Task SignInAsync(FormClient browser, string nin, string password, string phone)
    {
        var step = await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, step.StatusCode);
        var done = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone) });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
    }
}
