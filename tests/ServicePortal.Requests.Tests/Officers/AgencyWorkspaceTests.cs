using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ServicePortal.Requests.Tests.Officers;

/// <summary>
/// The agency officer's workspace and the agency API over HTTP on the real portal: only the officer's agency, the
/// filters, the clock against the promised days, the agency's unusable answers, the access log written with the read
/// (and not for what was not found), and the citizen's rating with its averages.
/// </summary>
public sealed class AgencyWorkspaceTests(OfficerPortalFactory portal) : IClassFixture<OfficerPortalFactory>
{
    [Fact]
    public async Task The_rita_officer_lists_ritas_applications_only_with_filters_and_the_clock()
    {
        var citizen = await NewCitizenAsync();
        var late = await portal.ApplicationAsync(citizen, "rita", "rita-birth-certificate", "in_review", daysAgo: 20, processingDays: 10);
        var onTime = await portal.ApplicationAsync(citizen, "rita", "rita-death-certificate", "submitted", daysAgo: 2, processingDays: null);
        var done = await portal.ApplicationAsync(citizen, "rita", "rita-birth-certificate", "completed", daysAgo: 5);
        var brelas = await portal.ApplicationAsync(citizen, "brela", "brela-business-name");
        var officer = (await portal.Sessions.AsAsync(PortalRoles.RitaOfficer)).Browser;

        await officer.GetAsync("/agency/requests");
        var all = officer.LastPage;
        await officer.GetAsync("/agency/requests?status=in_review");
        var inReview = officer.LastPage;
        await officer.GetAsync("/agency/requests?service=rita-death-certificate");
        var deaths = officer.LastPage;
        await officer.GetAsync("/agency/requests?late=1");
        var lateOnly = officer.LastPage;
        await officer.GetAsync($"/agency/requests?q={done[3..8].ToLowerInvariant()}");
        var searched = officer.LastPage;
        var today = DateTime.UtcNow.AddHours(3);
        await officer.GetAsync($"/agency/requests?from={today.AddDays(-3):yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        var recent = officer.LastPage;
        var bad = await officer.GetAsync("/agency/requests?status=lost&from=31-12-2026&to=yesterday");

        Assert.Contains(late, all, StringComparison.Ordinal);
        Assert.Contains(onTime, all, StringComparison.Ordinal);
        Assert.Contains(done, all, StringComparison.Ordinal);
        Assert.DoesNotContain(brelas, all, StringComparison.Ordinal);
        Assert.Contains("href=\"/agency/tickets\"", all, StringComparison.Ordinal);
        Assert.Contains("<table class=\"stack\">", all, StringComparison.Ordinal);
        Assert.Contains(late, inReview, StringComparison.Ordinal);
        Assert.DoesNotContain(onTime, inReview, StringComparison.Ordinal);
        Assert.Contains(onTime, deaths, StringComparison.Ordinal);
        Assert.DoesNotContain(late, deaths, StringComparison.Ordinal);
        Assert.Contains(late, lateOnly, StringComparison.Ordinal);
        Assert.Contains("Siku 20 kati ya 10", lateOnly, StringComparison.Ordinal);
        Assert.Contains("Imechelewa", lateOnly, StringComparison.Ordinal);
        Assert.DoesNotContain(onTime, lateOnly, StringComparison.Ordinal);
        Assert.Contains("Siku 2 kati ya 14 (kawaida)", all, StringComparison.Ordinal); // no promise in the catalogue: the default
        Assert.Contains(done, searched, StringComparison.Ordinal);
        Assert.DoesNotContain(late, searched, StringComparison.Ordinal);
        Assert.Contains(onTime, recent, StringComparison.Ordinal);
        Assert.DoesNotContain(late, recent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("Hali hiyo haijulikani.", officer.LastPage, StringComparison.Ordinal);
        Assert.Contains("Andika tarehe kama 2026-12-31.", officer.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_officer_sees_the_agencys_unusable_answers_escaped_and_not_another_agencys()
    {
        var marker = "BRELA-ONLY-" + Guid.NewGuid().ToString("N")[..6];
        await portal.ExecuteAsync(
            """
            INSERT INTO requests.agency_errors (agency, source, agency_reference, problem, excerpt)
            VALUES ('rita', 'pull', 'RITA-2026-1', 'unknown status ''imekwama''', '<script>alert(1)</script>'),
                   ('brela', 'pull', @marker, 'the agency answered 503', NULL)
            """, new { marker });
        var officer = (await portal.Sessions.AsAsync(PortalRoles.RitaOfficer)).Browser;

        await officer.GetAsync("/agency/requests");

        Assert.Contains("Taasisi ilituma hali ambayo lango haiijui.", officer.LastPage, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", officer.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", officer.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain(marker, officer.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_an_application_is_in_the_access_log_and_another_agencys_is_404_with_nothing_logged()
    {
        var citizen = await NewCitizenAsync();
        var ritas = await portal.ApplicationAsync(citizen, "rita", "rita-birth-certificate",
            answers: """{"childName": "Baraka <b>Juma</b>"}""");
        var brelas = await portal.ApplicationAsync(citizen, "brela", "brela-business-name");
        var session = await portal.Sessions.AsAsync(PortalRoles.RitaOfficer);

        var opened = await session.Browser.GetAsync($"/agency/requests/{ritas}");
        var page = session.Browser.LastPage;
        var refused = await session.Browser.GetAsync($"/agency/requests/{brelas}");

        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Contains("Historia", page, StringComparison.Ordinal);
        Assert.Contains("Inashughulikiwa", page, StringComparison.Ordinal);
        Assert.Contains("Baraka &lt;b&gt;Juma&lt;/b&gt;", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        var log = await portal.QueryAsync<(Guid Staff, string Role, string Action, string Subject)>(
            "SELECT staff_account_id, staff_role, action, subject FROM portal.access_log WHERE citizen_account_id = @citizen",
            new { citizen });
        var row = Assert.Single(log);
        Assert.Equal((session.AccountId!.Value, "agency_officer:rita", "request", ritas), row);
    }

    [Fact]
    public async Task An_agencys_system_lists_and_opens_its_own_applications_through_the_api()
    {
        var citizen = await NewCitizenAsync();
        var ritas = await portal.ApplicationAsync(citizen, "rita", "rita-birth-certificate", "completed", daysAgo: 3,
            answers: """{"childName": "Neema"}""");
        var brelas = await portal.ApplicationAsync(citizen, "brela", "brela-business-name");
        var rita = (await portal.Sessions.AsAsync(PortalRoles.AgencySystem("rita"))).Browser.Http;

        var list = await rita.GetFromJsonAsync<JsonElement>($"/api/agency/requests?q={ritas}&status=completed");
        var one = await rita.GetFromJsonAsync<JsonElement>($"/api/agency/requests/{ritas}");
        var others = await rita.GetAsync($"/api/agency/requests/{brelas}");
        var badFilter = await rita.GetAsync("/api/agency/requests?status=lost&pageSize=1000");

        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(ritas, item.GetProperty("reference").GetString());
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(10, item.GetProperty("promisedDays").GetInt32());
        Assert.True(item.GetProperty("promisedByCatalogue").GetBoolean());
        Assert.False(item.GetProperty("late").GetBoolean());
        Assert.Equal("Neema", one.GetProperty("answers").GetProperty("childName").GetString());
        Assert.Equal("completed", one.GetProperty("timeline")[2].GetProperty("statusTo").GetString());
        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        Assert.Equal("application/problem+json", others.Content.Headers.ContentType?.MediaType);
        var notFound = await others.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Taasisi yako haina ombi lenye namba hiyo. / Your agency has no application with that reference.",
            notFound.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        var problem = await badFilter.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:serviceportal:problem:invalid-request", problem.GetProperty("type").GetString());
        Assert.Equal("Hali hiyo haijulikani. / That status is not known.", problem.GetProperty("errors").GetProperty("status")[0].GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("pageSize", out _));
        Assert.Equal("agency_system:rita", await portal.ScalarAsync<string>(
            "SELECT staff_role FROM portal.access_log WHERE citizen_account_id = @citizen AND subject = @ritas", new { citizen, ritas }));
        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM portal.access_log WHERE citizen_account_id = @citizen", new { citizen }));
    }

    [Fact]
    public async Task A_citizen_rates_a_finished_application_once_and_the_averages_reach_the_officer_and_the_administrator()
    {
        var session = await portal.Sessions.AsAsync(PortalRoles.Citizen);
        var citizen = session.AccountId!.Value;
        var open = await portal.ApplicationAsync(citizen, "rita", "rita-marriage-certificate", "in_review");
        var done = await portal.ApplicationAsync(citizen, "rita", "rita-marriage-certificate", "completed");
        var browser = session.Browser;

        await browser.GetAsync($"/maombi/{open}");
        var openPage = browser.LastPage;
        var noScore = await browser.SubmitAsync($"/maombi/{done}?handler=Rate", new Dictionary<string, string?> { ["comment"] = "Sawa" }, $"/maombi/{done}");
        var noScorePage = browser.LastPage;
        var tooLong = await browser.SubmitAsync($"/maombi/{done}?handler=Rate",
            new Dictionary<string, string?> { ["score"] = "4", ["comment"] = new string('a', 1001) }, $"/maombi/{done}");
        var outOfRange = await browser.SubmitAsync($"/maombi/{done}?handler=Rate", new Dictionary<string, string?> { ["score"] = "9" }, $"/maombi/{done}");
        var rated = await browser.SubmitAsync($"/maombi/{done}?handler=Rate",
            new Dictionary<string, string?> { ["score"] = "4", ["comment"] = "Haraka <b>sana</b>" }, $"/maombi/{done}");
        await browser.GetAsync($"/maombi/{done}");
        var ratedPage = browser.LastPage;
        var again = await browser.SubmitLoadedFormAsync($"/maombi/{done}?handler=Rate", new Dictionary<string, string?> { ["score"] = "1" });
        var ratedOpen = await browser.SubmitAsync($"/maombi/{open}?handler=Rate", new Dictionary<string, string?> { ["score"] = "1" }, $"/maombi/{done}");
        var officer = (await portal.Sessions.AsAsync(PortalRoles.RitaOfficer)).Browser;
        await officer.GetAsync("/agency/requests");
        var admin = (await portal.Sessions.AsAsync(PortalRoles.Administrator)).Browser;
        await admin.GetAsync("/admin/requests/ratings");

        Assert.DoesNotContain("Kadiria huduma", openPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noScore.StatusCode);
        Assert.Contains("Chagua alama kutoka 1 hadi 5.", noScorePage, StringComparison.Ordinal);
        Assert.Contains(">Sawa</textarea>", noScorePage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, rated.StatusCode);
        Assert.Contains("Ulitoa alama 4 kati ya 5. Asante.", ratedPage, StringComparison.Ordinal);
        Assert.Contains("Haraka &lt;b&gt;sana&lt;/b&gt;", ratedPage, StringComparison.Ordinal);
        Assert.Contains($"href=\"/msaada/tiketi/mpya?ombi={done}&amp;aina=complaint\"", ratedPage, StringComparison.Ordinal);
        Assert.Contains("Toa lalamiko", ratedPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, ratedOpen.StatusCode);
        Assert.Equal((short)4, await portal.ScalarAsync<short>(
            "SELECT t.score FROM requests.ratings t JOIN requests.requests r ON r.id = t.request_id WHERE r.reference = @done", new { done }));
        Assert.Equal(0, await portal.CountAsync(
            "SELECT count(*) FROM requests.ratings t JOIN requests.requests r ON r.id = t.request_id WHERE r.reference = @open", new { open }));
        Assert.Contains("Tathmini za wananchi", officer.LastPage, StringComparison.Ordinal);
        Assert.Matches(@"data-label=""Wastani \(kati ya 5\)"">[1-5]\.[0-9]<", officer.LastPage);
        Assert.Contains("<code>rita</code>", admin.LastPage, StringComparison.Ordinal);
    }

    private async Task<Guid> NewCitizenAsync()
    {
        var (nin, _) = await portal.CreateAccountAsync();
        return await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
    }
}
