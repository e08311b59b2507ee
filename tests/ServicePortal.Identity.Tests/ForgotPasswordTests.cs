using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServicePortal.DemoAgencies.Agencies.Nida;
using static ServicePortal.Identity.Tests.RegistrationSteps;

namespace ServicePortal.Identity.Tests;

/// <summary>A forgotten password, reset by proving who you are again: the registry's question, then the account's phone.</summary>
public sealed class ForgotPasswordTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string OldPassword = "Mti-Mrefu-Wa-Mwembe";
    private const string NewPassword = "Kahawa-Chungu-Asubuhi";

    [Fact]
    public async Task Resets_the_password_with_a_code_sent_to_the_accounts_phone_and_ends_every_other_session()
    {
        var amina = Person("Amina");
        const string accountPhone = "+255754300001";
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

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/account", done.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        Assert.Contains("Amina Hassan Mwakyusa", browser.LastPage, StringComparison.Ordinal);

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
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations"));
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
    public async Task Whether_a_NIN_has_an_account_is_told_only_to_someone_whose_details_match_the_register()
    {
        var (nin, _) = await portal.CreateAccountAsync(); // an account whose NIN the registry does not know
        using var browser = portal.CreateFormClient();
        var fields = new Dictionary<string, string?>
        {
            ["Nin"] = nin, ["FirstName"] = "Rehema", ["LastName"] = "Mollel", ["Day"] = "14", ["Month"] = "2", ["Year"] = "1988",
        };

        await browser.SubmitAsync("/account/forgot-password", fields);
        var withAccount = ErrorSummary(browser.LastPage);
        fields["Nin"] = "19880214" + string.Concat(nin.Skip(8).Reverse());
        await browser.SubmitAsync("/account/forgot-password", fields);
        var withoutAccount = ErrorSummary(browser.LastPage);

        Assert.Contains("Taarifa hizi hazilingani na Daftari la Utambulisho wa Taifa", withAccount, StringComparison.Ordinal);
        Assert.Equal(withoutAccount, withAccount);
    }

    [Fact]
    public async Task The_reset_page_asks_no_phone_number()
    {
        using var browser = portal.CreateFormClient();

        await browser.GetAsync("/account/forgot-password");

        Assert.Contains("Rejesha nenosiri", browser.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Phone\"", browser.LastPage, StringComparison.Ordinal);
    }

    private async Task CreateAccountAsync(RegisteredPerson person, string phone, string password)
    {
        var hash = portal.Services.GetRequiredService<Accounts.PasswordHashing>().Hash(password);
        await using var connection = new NpgsqlConnection(portal.Database.ConnectionString);
        await connection.ExecuteAsync(
            """
            INSERT INTO identity.accounts (nin, first_name, middle_name, last_name, date_of_birth, phone, password_hash)
            VALUES (@nin, @FirstName, @MiddleName, @LastName, CAST(@born AS date), @phone, @hash)
            """,
            new { nin = person.Nin.Replace("-", "", StringComparison.Ordinal), person.FirstName, person.MiddleName, person.LastName,
                born = person.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), phone, hash });
    }

    private async Task SignInAsync(FormClient browser, string nin, string password, string phone)
    {
        var step = await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, step.StatusCode);
        var done = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone) });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
    }
}
