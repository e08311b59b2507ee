using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Helpdesk.Tickets;

namespace ServicePortal.Helpdesk.Tests.Tickets;

/// <summary>The citizen's ticket pages over HTTP, as a browser without JavaScript posts them, on the real host and PostgreSQL.</summary>
public sealed partial class TicketPagesTests(HelpdeskPortalFactory portal) : IClassFixture<HelpdeskPortalFactory>
{
    [Fact]
    public async Task A_citizen_opens_a_ticket_sees_it_in_their_list_and_replies()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        var browser = citizen.Browser;

        var opened = await browser.OpenTicketAsync(TicketCategory.Account, "Sipokei namba ya uthibitisho kwa SMS.\r\nNimejaribu mara tatu <b>leo</b>.");
        var location = opened.Headers.Location!.OriginalString;
        var number = TicketNumberIn(location);
        var page = await browser.GetAsync(location);
        var shown = browser.LastPage;
        var list = await browser.GetAsync("/msaada/tiketi");
        var listed = browser.LastPage;
        var replied = await browser.SubmitFormAsync($"/msaada/tiketi/{number}", $"/msaada/tiketi/{number}",
            new Dictionary<string, string?> { ["Body"] = "Bado sijapata namba." });
        var afterReply = await browser.GetAsync(replied.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode); // post, redirect, get
        Assert.Matches("^/msaada/tiketi/TK-[0-9A-HJKMNP-TV-Z]{9}\\?imefunguliwa=1$", location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Tiketi yako imefunguliwa", shown, StringComparison.Ordinal);
        Assert.Contains("Akaunti na kuingia", shown, StringComparison.Ordinal);
        Assert.Contains("Nimejaribu mara tatu &lt;b&gt;leo&lt;/b&gt;.", shown, StringComparison.Ordinal); // text, never markup
        Assert.Contains("Inashughulikiwa na dawati la msaada", shown, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains($"<span class=\"reference\">{number}</span>", listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, replied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterReply.StatusCode);
        Assert.Contains("Jibu lako limetumwa", browser.LastPage, StringComparison.Ordinal);
        Assert.Contains("Bado sijapata namba.", browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(["Sipokei namba ya uthibitisho kwa SMS.\nNimejaribu mara tatu <b>leo</b>.", "Bado sijapata namba."],
            await portal.QueryAsync<string>(
                "SELECT m.body FROM helpdesk.ticket_messages m JOIN helpdesk.tickets t ON t.id = m.ticket_id WHERE t.number = @number ORDER BY m.id",
                new { number }));
        Assert.Equal(("account", (string?)null, "open", "normal"), Assert.Single(await portal.QueryAsync<(string, string?, string, string)>(
            "SELECT category, request_reference, status, priority FROM helpdesk.tickets WHERE account_id = @AccountId", citizen)));
    }

    [Fact]
    public async Task From_an_application_page_the_ticket_is_about_that_application_filled_in()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        var reference = await portal.ApplicationAsync(citizen.AccountId);

        await citizen.Browser.GetAsync($"/maombi/{reference}");
        var applicationPage = citizen.Browser.LastPage;
        var form = await citizen.Browser.GetAsync($"/msaada/tiketi/mpya?ombi={reference}");
        var formPage = citizen.Browser.LastPage;
        var opened = await citizen.Browser.OpenTicketAsync(TicketCategory.Application, "Ombi langu limechelewa.", reference.ToLowerInvariant(),
            formPage: $"/msaada/tiketi/mpya?ombi={reference}");
        await citizen.Browser.GetAsync(opened.Headers.Location!.OriginalString);

        Assert.Contains($"href=\"/msaada/tiketi/mpya?ombi={reference}\">Uliza kuhusu ombi hili</a>", applicationPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains($"value=\"{reference}\"", formPage, StringComparison.Ordinal);
        Assert.Matches("id=\"Category-application\"[^>]*checked", formPage);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Contains($"<a class=\"reference\" href=\"/maombi/{reference}\">{reference}</a>", citizen.Browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(reference, await portal.ScalarAsync<string>(
            "SELECT request_reference FROM helpdesk.tickets WHERE account_id = @AccountId", citizen));
    }

    [Fact]
    public async Task Another_citizens_application_reference_is_refused_beside_the_field_and_nothing_is_opened()
    {
        using var owner = await portal.SignedInCitizenAsync();
        using var citizen = await portal.SignedInCitizenAsync();
        var theirs = await portal.ApplicationAsync(owner.AccountId);

        var prefilled = await citizen.Browser.GetAsync($"/msaada/tiketi/mpya?ombi={theirs}");
        var prefilledPage = citizen.Browser.LastPage;
        var refused = await citizen.Browser.OpenTicketAsync(TicketCategory.Application, "Hili ni ombi langu?", theirs);
        var refusedPage = citizen.Browser.Decoded();
        var garbled = await citizen.Browser.OpenTicketAsync(TicketCategory.Application, "Namba hii je?", "SP-12345");

        Assert.Equal(HttpStatusCode.OK, prefilled.StatusCode);
        Assert.DoesNotContain($"value=\"{theirs}\"", prefilledPage, StringComparison.Ordinal); // a link does not fill in someone else's reference
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Hatukupata ombi lenye namba hii kwenye akaunti yako", refusedPage, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Reference\">", refusedPage, StringComparison.Ordinal);
        Assert.Contains("Hili ni ombi langu?", refusedPage, StringComparison.Ordinal); // what they wrote is kept
        Assert.Equal(HttpStatusCode.OK, garbled.StatusCode);
        Assert.Contains("Hii si namba ya ombi", citizen.Browser.Decoded(), StringComparison.Ordinal);
        Assert.Equal(0, await portal.TicketsOfAsync(citizen.AccountId));
    }

    [Fact]
    public async Task Another_citizen_gets_404_for_a_ticket_and_cannot_reply_to_it()
    {
        using var owner = await portal.SignedInCitizenAsync();
        using var other = await portal.SignedInCitizenAsync();
        var opened = await owner.Browser.OpenTicketAsync(TicketCategory.Payment, "Nimelipa lakini haionekani.");
        var number = TicketNumberIn(opened.Headers.Location!.OriginalString);
        // The other citizen gets a form (and its token) from a ticket of their own, then posts it at the owner's.
        var own = await other.Browser.OpenTicketAsync(TicketCategory.Other, "Swali langu.");
        var ownNumber = TicketNumberIn(own.Headers.Location!.OriginalString);
        await other.Browser.GetAsync($"/msaada/tiketi/{ownNumber}");

        var seen = await other.Browser.GetAsync($"/msaada/tiketi/{number}");
        var seenLowerCase = await other.Browser.GetAsync($"/msaada/tiketi/{number.ToLowerInvariant()}");
        var missing = await other.Browser.GetAsync("/msaada/tiketi/TK-0000000000");
        await other.Browser.GetAsync($"/msaada/tiketi/{ownNumber}");
        var reply = await other.Browser.PostLoadedFormAsync($"/msaada/tiketi/{ownNumber}", new Dictionary<string, string?> { ["Body"] = "Naingilia." });
        var replied = await other.Browser.PostAsync($"/msaada/tiketi/{number}",
            [KeyValuePair.Create("Body", "Naingilia."), KeyValuePair.Create("__af", AntiforgeryOf(await FormOfAsync(other, ownNumber)))]);
        var list = await other.Browser.GetAsync("/msaada/tiketi");

        Assert.Equal(HttpStatusCode.NotFound, seen.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, seenLowerCase.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode); // their own ticket takes the reply
        Assert.Equal(HttpStatusCode.NotFound, replied.StatusCode);
        Assert.DoesNotContain(number, other.Browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM helpdesk.ticket_messages m JOIN helpdesk.tickets t ON t.id = m.ticket_id WHERE t.number = @number", new { number }));
    }

    [Theory]
    [InlineData("sw", "payment", "   \r\n  ", "Body", "Andika swali au tatizo lako.")]
    [InlineData("en", "payment", "", "Body", "Write your question or problem.")]
    [InlineData("sw", "payment", "2001", "Body", "Andika herufi 2,000 au chache; umeandika 2,001.")]
    [InlineData("en", "refund", "Ninataka kurudishiwa pesa.", "Category", "Choose what your question is about.")]
    [InlineData("sw", null, "Ninataka kurudishiwa pesa.", "Category", "Chagua swali lako linahusu nini.")]
    public async Task Bad_input_changes_nothing_and_says_what_to_do_beside_the_field(string language, string? category, string body, string field,
        string message)
    {
        using var citizen = await portal.SignedInCitizenAsync();
        var text = body == "2001" ? new string('a', 2001) : body;

        var response = await citizen.Browser.OpenTicketAsync(category, text, formPage: $"/msaada/tiketi/mpya?lang={language}");
        var page = citizen.Browser.Decoded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<a href=\"#{field}\">{message}</a>", page, StringComparison.Ordinal);
        Assert.Contains($"id=\"{field}-error\"", page, StringComparison.Ordinal);
        Assert.Equal(0, await portal.TicketsOfAsync(citizen.AccountId));
        Assert.Equal(0, await portal.MessagesOfAsync(citizen.AccountId));
    }

    [Fact]
    public async Task Exactly_2000_characters_is_accepted_and_a_2001_character_reply_is_refused()
    {
        using var citizen = await portal.SignedInCitizenAsync();

        var opened = await citizen.Browser.OpenTicketAsync(TicketCategory.Other, new string('x', 2000));
        var number = TicketNumberIn(opened.Headers.Location!.OriginalString);
        var reply = await citizen.Browser.SubmitFormAsync($"/msaada/tiketi/{number}", $"/msaada/tiketi/{number}",
            new Dictionary<string, string?> { ["Body"] = new string('y', 2001) });
        var blank = await citizen.Browser.SubmitFormAsync($"/msaada/tiketi/{number}", $"/msaada/tiketi/{number}",
            new Dictionary<string, string?> { ["Body"] = " " });

        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal(HttpStatusCode.OK, blank.StatusCode);
        Assert.Contains("Andika swali au tatizo lako.", citizen.Browser.Decoded(), StringComparison.Ordinal);
        Assert.Equal(1, await portal.MessagesOfAsync(citizen.AccountId));
    }

    [Fact]
    public async Task A_double_click_opens_one_ticket()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        await citizen.Browser.GetAsync("/msaada/tiketi/mpya");
        var form = citizen.Browser.LastPage;
        var fields = new Dictionary<string, string?> { ["Category"] = "other", ["Body"] = "Mara mbili." };

        var first = await citizen.Browser.PostLoadedFormAsync("/msaada/tiketi/mpya", fields, form);
        var second = await citizen.Browser.PostLoadedFormAsync("/msaada/tiketi/mpya", fields, form);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await portal.TicketsOfAsync(citizen.AccountId));
    }

    [Fact]
    public async Task Past_ten_tickets_in_a_day_the_next_is_refused_with_when_to_try_again()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        for (var i = 0; i < 10; i++)
        {
            await portal.ExecuteAsync(
                """
                INSERT INTO helpdesk.tickets (number, account_id, category, idempotency_key, created_at)
                VALUES (@number, @accountId, 'other', @key, now() - make_interval(hours => @i))
                """, new { number = TicketNumber.New(), accountId = citizen.AccountId, key = "seed:" + i, i });
        }

        var refused = await citizen.Browser.OpenTicketAsync(TicketCategory.Other, "Tiketi ya kumi na moja.");
        var page = citizen.Browser.Decoded();
        await portal.ExecuteAsync( // the oldest moves out of the window
            "UPDATE helpdesk.tickets SET created_at = now() - interval '25 hours' WHERE account_id = @AccountId AND idempotency_key = 'seed:9'",
            citizen);
        var allowed = await citizen.Browser.OpenTicketAsync(TicketCategory.Other, "Tiketi ya kumi na moja.");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Umefungua tiketi 10 ndani ya saa 24", page, StringComparison.Ordinal);
        Assert.Matches("Unaweza kufungua nyingine baada ya saa [0-9]{2}:[0-9]{2}, [0-9]{1,2} [A-Za-z]+ 20[0-9]{2}", page);
        Assert.Contains("Tiketi ya kumi na moja.", page, StringComparison.Ordinal); // kept for them
        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        Assert.Equal(11, await portal.TicketsOfAsync(citizen.AccountId));
    }

    [Fact]
    public async Task The_citizen_reads_staff_replies_but_never_an_internal_note()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        var opened = await citizen.Browser.OpenTicketAsync(TicketCategory.Complaint, "Ofisi ilifungwa saa nne asubuhi.");
        var number = TicketNumberIn(opened.Headers.Location!.OriginalString);
        var store = portal.Services.GetRequiredService<TicketStore>();
        var staff = Guid.NewGuid();

        await store.AddInternalNoteAsync(number, staff, "Ndani tu: mwananchi huyu alipiga simu mara tatu.", CancellationToken.None);
        await store.AddStaffReplyAsync(number, staff, "Samahani. Tumeiarifu ofisi.", CancellationToken.None);
        var page = await citizen.Browser.GetAsync($"/msaada/tiketi/{number}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Samahani. Tumeiarifu ofisi.", citizen.Browser.LastPage, StringComparison.Ordinal);
        Assert.Contains("Inasubiri jibu lako", citizen.Browser.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Ndani tu", citizen.Browser.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_out_the_pages_ask_to_sign_in_first()
    {
        using var anonymous = portal.Browser();

        var list = await anonymous.GetAsync("/msaada/tiketi");
        var form = await anonymous.GetAsync("/msaada/tiketi/mpya?ombi=SP-7K2M9QXR4");
        var posted = await anonymous.PostAsync("/msaada/tiketi/mpya", [KeyValuePair.Create("Body", "x")]);

        Assert.All([list, form, posted], r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.All([list, form, posted], r => Assert.Contains("/account/sign-in", r.Headers.Location!.OriginalString, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_help_page_offers_to_open_a_ticket()
    {
        using var anonymous = portal.Browser();

        await anonymous.GetAsync("/msaada");

        Assert.Contains("<a href=\"/msaada/tiketi/mpya\"><strong>Fungua tiketi</strong></a>", anonymous.LastPage, StringComparison.Ordinal);
    }

    private static string TicketNumberIn(string location) => NumberPattern().Match(location).Value;

    private static async Task<string> FormOfAsync(Citizen citizen, string number)
    {
        await citizen.Browser.GetAsync($"/msaada/tiketi/{number}");
        return citizen.Browser.LastPage;
    }

    private static string AntiforgeryOf(string page) =>
        WebUtility.HtmlDecode(Regex.Match(page, "name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);

    [GeneratedRegex("TK-[0-9A-HJKMNP-TV-Z]{9}")]
    private static partial Regex NumberPattern();
}
