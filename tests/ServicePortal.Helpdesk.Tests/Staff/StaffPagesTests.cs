using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ServicePortal.Helpdesk.Tests.Staff;

/// <summary>
/// The helpdesk's staff pages and the agency officer's, over HTTP on the real host and PostgreSQL: who may open them,
/// what each read writes to the access log, and that an agency sees only its own tickets.
/// </summary>
public sealed class StaffPagesTests(HelpdeskPortalFactory portal) : IClassFixture<HelpdeskPortalFactory>
{
    private const string RitaOfficer = "agency_officer:rita";
    private const string BrelaOfficer = "agency_officer:brela";

    public static TheoryData<string, string, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string, string, HttpStatusCode>();
        foreach (var page in new[] { "/helpdesk", "/helpdesk/tafuta", "/helpdesk/tiketi/{ticket}", "/helpdesk/raia/{citizen}" })
        {
            data.Add(page, "citizen", HttpStatusCode.Forbidden);
            data.Add(page, "helpdesk_agent", HttpStatusCode.OK);
            data.Add(page, "helpdesk_supervisor", HttpStatusCode.OK);
            data.Add(page, RitaOfficer, HttpStatusCode.Forbidden);
            data.Add(page, BrelaOfficer, HttpStatusCode.Forbidden);
            data.Add(page, "administrator", HttpStatusCode.Forbidden);
        }

        data.Add("/agency/tickets", "citizen", HttpStatusCode.Forbidden);
        data.Add("/agency/tickets", "helpdesk_agent", HttpStatusCode.Forbidden);
        data.Add("/agency/tickets", "helpdesk_supervisor", HttpStatusCode.Forbidden);
        data.Add("/agency/tickets", RitaOfficer, HttpStatusCode.OK);
        data.Add("/agency/tickets", BrelaOfficer, HttpStatusCode.OK);
        data.Add("/agency/tickets", "administrator", HttpStatusCode.Forbidden);
        // A ticket escalated to RITA: RITA's officer only; BRELA's is told it does not exist.
        data.Add("/agency/tickets/{ticket}", "citizen", HttpStatusCode.Forbidden);
        data.Add("/agency/tickets/{ticket}", "helpdesk_agent", HttpStatusCode.Forbidden);
        data.Add("/agency/tickets/{ticket}", "helpdesk_supervisor", HttpStatusCode.Forbidden);
        data.Add("/agency/tickets/{ticket}", RitaOfficer, HttpStatusCode.OK);
        data.Add("/agency/tickets/{ticket}", BrelaOfficer, HttpStatusCode.NotFound);
        data.Add("/agency/tickets/{ticket}", "administrator", HttpStatusCode.Forbidden);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_page_answers_each_role_as_the_rules_say(string page, string role, HttpStatusCode expected)
    {
        using var citizen = await portal.SignedInCitizenAsync();
        var reference = await portal.ApplicationAtAsync(citizen.AccountId, "rita");
        var ticket = await portal.TicketAsync(citizen.AccountId, "complaint", reference, escalatedTo: "rita");
        using var staff = role == "citizen" ? await portal.SignedInStaffAsync() : await portal.SignedInStaffAsync(role);
        var url = page.Replace("{ticket}", ticket, StringComparison.Ordinal).Replace("{citizen}", citizen.AccountId.ToString(), StringComparison.Ordinal);

        var response = await staff.Browser.GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
        // Only a page that showed the ticket or case recorded it.
        var recorded = await portal.CountAsync(
            "SELECT count(*) FROM portal.access_log WHERE citizen_account_id = @AccountId AND staff_account_id = @staff",
            new { citizen.AccountId, staff = staff.AccountId });
        Assert.Equal(expected == HttpStatusCode.OK && url.Contains(ticket, StringComparison.Ordinal) || expected == HttpStatusCode.OK && url.Contains("/raia/", StringComparison.Ordinal) ? 1 : 0, recorded);
    }

    [Theory]
    [InlineData("/helpdesk")]
    [InlineData("/helpdesk/tafuta")]
    [InlineData("/agency/tickets")]
    public async Task Anonymous_visitors_are_sent_to_sign_in(string page)
    {
        using var anonymous = portal.Browser();
        var response = await anonymous.GetAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_NIN_lookup_without_a_reason_is_refused_and_nothing_is_logged()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        using var agent = await portal.SignedInStaffAsync("helpdesk_agent");

        var blank = await agent.Browser.SubmitAsync("/helpdesk/tafuta",
            new Dictionary<string, string?> { ["Nin"] = citizen.Nin, ["ReasonCategory"] = "caller", ["Reason"] = "   " });
        var blankPage = agent.Browser.LastPage;
        var noCategory = await agent.Browser.SubmitAsync("/helpdesk/tafuta",
            new Dictionary<string, string?> { ["Nin"] = citizen.Nin, ["Reason"] = "Raia amepiga simu." });
        var inTheSearchBox = await agent.Browser.GetAsync("/helpdesk/tafuta?q=" + citizen.Nin);

        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Contains("Eleza sababu kwa maneno yako", blankPage, StringComparison.Ordinal);
        Assert.DoesNotContain("/helpdesk/raia/", blankPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noCategory.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, inTheSearchBox.StatusCode);
        Assert.Contains("Kutafuta kwa NIN kunahitaji sababu", agent.Browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(0, await portal.AccessRowsAsync(citizen.AccountId, "lookup"));
    }

    [Fact]
    public async Task A_NIN_lookup_with_a_reason_shows_the_person_and_is_on_record_with_the_reason()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        using var agent = await portal.SignedInStaffAsync("helpdesk_agent");

        var found = await agent.Browser.SubmitAsync("/helpdesk/tafuta",
            new Dictionary<string, string?> { ["Nin"] = citizen.Nin, ["ReasonCategory"] = "caller", ["Reason"] = "Raia amepiga simu kuhusu tiketi." });

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Contains($"/helpdesk/raia/{citizen.AccountId}", agent.Browser.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain(citizen.Nin, agent.Browser.LastPage, StringComparison.Ordinal); // masked
        var row = Assert.Single(await portal.QueryAsync<(Guid, string, string, string, string)>(
            "SELECT staff_account_id, staff_role, action, reason_category, reason FROM portal.access_log WHERE citizen_account_id = @AccountId",
            citizen));
        Assert.Equal((agent.AccountId, "helpdesk_agent", "lookup", "caller", "Raia amepiga simu kuhusu tiketi."), row);
    }

    [Fact]
    public async Task Finding_by_ticket_number_reference_or_phone_names_the_citizen_and_logs_it()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        var reference = await portal.ApplicationAtAsync(citizen.AccountId, "rita");
        var ticket = await portal.TicketAsync(citizen.AccountId);
        using var agent = await portal.SignedInStaffAsync("helpdesk_supervisor");

        foreach (var query in new[] { ticket.ToLowerInvariant(), reference, citizen.Phone })
        {
            var response = await agent.Browser.GetAsync("/helpdesk/tafuta?q=" + Uri.EscapeDataString(query));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains($"/helpdesk/raia/{citizen.AccountId}", agent.Browser.LastPage, StringComparison.Ordinal);
        }

        Assert.Equal(3, await portal.AccessRowsAsync(citizen.AccountId, "lookup"));
    }

    [Fact]
    public async Task Lookups_are_limited_per_staff_member()
    {
        using var agent = await portal.SignedInStaffAsync("helpdesk_agent");
        var unknown = ServicePortal.Helpdesk.Tickets.TicketNumber.New(); // a number no ticket has: the find still counts
        var statuses = new List<HttpStatusCode>();
        // 30 a minute in fixed windows: 61 finds put at least 31 in one window, even if the run crosses a minute.
        for (var i = 0; i < 61; i++)
        {
            statuses.Add((await agent.Browser.GetAsync("/helpdesk/tafuta?q=" + unknown)).StatusCode);
        }

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task The_case_screen_shows_the_account_masked_and_is_on_record()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        var reference = await portal.ApplicationAtAsync(citizen.AccountId, "rita");
        var ticket = await portal.TicketAsync(citizen.AccountId, reference: reference);
        using var agent = await portal.SignedInStaffAsync("helpdesk_agent");

        var response = await agent.Browser.GetAsync($"/helpdesk/raia/{citizen.AccountId}");
        var page = agent.Browser.LastPage;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Rehema Mollel", page, StringComparison.Ordinal);
        Assert.Contains(citizen.Phone[10..], page, StringComparison.Ordinal);
        Assert.DoesNotContain(citizen.Phone, page, StringComparison.Ordinal);
        Assert.DoesNotContain(citizen.Nin, page, StringComparison.Ordinal);
        Assert.Contains(reference, page, StringComparison.Ordinal);
        Assert.Contains(ticket, page, StringComparison.Ordinal);
        Assert.Contains("Hali: <strong>Imetumwa kwa taasisi</strong>", page, StringComparison.Ordinal); // words, not the code
        Assert.Equal(1, await portal.AccessRowsAsync(citizen.AccountId, "case"));
        Assert.Equal(HttpStatusCode.NotFound, (await agent.Browser.GetAsync($"/helpdesk/raia/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task An_agent_takes_notes_escalates_and_the_rita_officer_answers_the_citizen()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        var reference = await portal.ApplicationAtAsync(citizen.AccountId, "rita");
        var ticket = await portal.TicketAsync(citizen.AccountId, reference: reference);
        using var agent = await portal.SignedInStaffAsync("helpdesk_agent");
        using var rita = await portal.SignedInStaffAsync(RitaOfficer);
        using var brela = await portal.SignedInStaffAsync(BrelaOfficer);
        var work = $"/helpdesk/tiketi/{ticket}";

        var took = await agent.Browser.SubmitAsync(work + "?handler=Take", new Dictionary<string, string?>(), work);
        var noted = await agent.Browser.SubmitAsync(work + "?handler=Note", new Dictionary<string, string?> { ["Body"] = "Siri ya ndani <script>" }, work);
        var escalated = await agent.Browser.SubmitAsync(work + "?handler=Escalate", new Dictionary<string, string?>(), work);
        var brelaTries = await brela.Browser.SubmitAsync($"/agency/tickets/{ticket}", new Dictionary<string, string?> { ["Body"] = "Si yetu." },
            "/agency/tickets");
        await rita.Browser.GetAsync($"/agency/tickets/{ticket}");
        var ritaPage = rita.Browser.LastPage;
        var answered = await rita.Browser.SubmitLoadedFormAsync($"/agency/tickets/{ticket}",
            new Dictionary<string, string?> { ["Body"] = "Cheti chako kimekamilika.", ["status"] = "resolved" });
        await citizen.Browser.GetAsync($"/msaada/tiketi/{ticket}");

        Assert.Equal(HttpStatusCode.Redirect, took.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, noted.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, escalated.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, brelaTries.StatusCode);
        Assert.DoesNotContain("Siri ya ndani", ritaPage, StringComparison.Ordinal); // the helpdesk's notes stay with it
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.Contains("Cheti chako kimekamilika.", citizen.Browser.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Siri ya ndani", citizen.Browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(("resolved", "rita", agent.AccountId), Assert.Single(await portal.QueryAsync<(string, string, Guid)>(
            "SELECT status, escalated_agency, assignee_account_id FROM helpdesk.tickets WHERE number = @ticket", new { ticket })));
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.outbox_messages WHERE recipient = @Phone AND purpose = 'helpdesk_reply'", citizen));
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.access_log WHERE citizen_account_id = @AccountId AND staff_role = 'agency_officer:rita'", citizen));
    }

    [Fact]
    public async Task A_complaint_about_an_application_goes_to_its_agency_at_once()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        var reference = await portal.ApplicationAtAsync(citizen.AccountId, "rita");

        var form = await citizen.Browser.GetAsync($"/msaada/tiketi/mpya?ombi={reference}&aina=complaint");
        Assert.Matches("id=\"Category-complaint\"[^>]*checked", citizen.Browser.LastPage);
        var opened = await citizen.Browser.OpenTicketAsync("complaint", "Huduma ilichelewa sana.", reference,
            formPage: $"/msaada/tiketi/mpya?ombi={reference}&aina=complaint");

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal(("escalated", "rita"), Assert.Single(await portal.QueryAsync<(string, string)>(
            "SELECT status, escalated_agency FROM helpdesk.tickets WHERE account_id = @AccountId", citizen)));
    }

    [Fact]
    public async Task A_queue_exported_as_CSV_is_on_record_for_every_citizen_in_it()
    {
        using var first = await portal.SignedInCitizenAsync();
        using var second = await portal.SignedInCitizenAsync();
        await portal.TicketAsync(first.AccountId, "payment");
        await portal.TicketAsync(second.AccountId, "other");
        using var supervisor = await portal.SignedInStaffAsync("helpdesk_supervisor");

        var queue = await supervisor.Browser.GetAsync("/helpdesk?foleni=unassigned");
        var export = await supervisor.Browser.SubmitFormAsync("/helpdesk?foleni=unassigned", "/helpdesk/pakua", new Dictionary<string, string?>());
        var csv = await export.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("\"tiketi/ticket\"", csv.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Equal(1, await portal.AccessRowsAsync(first.AccountId, "export"));
        Assert.Equal(1, await portal.AccessRowsAsync(second.AccountId, "export"));
    }

    [Fact]
    public async Task The_agency_API_lists_and_answers_only_its_own_agencys_tickets()
    {
        using var citizen = await portal.SignedInCitizenAsync();
        var ritaTicket = await portal.TicketAsync(citizen.AccountId, escalatedTo: "rita");
        var brelaTicket = await portal.TicketAsync(citizen.AccountId, escalatedTo: "brela");
        using var http = new HttpClient { BaseAddress = portal.Address };
        var token = await AppTokens.AgencyAsync(portal, http, "rita", "agency.requests");
        var otherScope = await AppTokens.AgencyAsync(portal, http, "rita", "gateway");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var list = await http.GetFromJsonAsync<JsonElement>("/api/agency/tickets");
        var toBrela = await http.PostAsJsonAsync($"/api/agency/tickets/{brelaTicket}/replies", new { body = "Jibu." });
        var blank = await http.PostAsJsonAsync($"/api/agency/tickets/{ritaTicket}/replies", new { body = "  " });
        var wrongStatus = await http.PostAsJsonAsync($"/api/agency/tickets/{ritaTicket}/replies", new { body = "Jibu.", status = "closed" });
        var answered = await http.PostAsJsonAsync($"/api/agency/tickets/{ritaTicket}/replies", new { body = "Tumekamilisha.", status = "resolved" });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", otherScope);
        var withoutScope = await http.GetAsync(new Uri("/api/agency/tickets", UriKind.Relative));
        http.DefaultRequestHeaders.Authorization = null;
        var anonymous = await http.GetAsync(new Uri("/api/agency/tickets", UriKind.Relative));

        var numbers = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()).ToList();
        Assert.Contains(ritaTicket, numbers);
        Assert.DoesNotContain(brelaTicket, numbers);
        Assert.Equal(HttpStatusCode.NotFound, toBrela.StatusCode);
        Assert.Equal("application/problem+json", toBrela.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongStatus.StatusCode);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withoutScope.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("escalated", await portal.ScalarAsync<string>("SELECT status FROM helpdesk.tickets WHERE number = @brelaTicket", new { brelaTicket }));
        Assert.Equal("resolved", await portal.ScalarAsync<string>("SELECT status FROM helpdesk.tickets WHERE number = @ritaTicket", new { ritaTicket }));
        Assert.Equal(["Swali la majaribio.", "Tumekamilisha."], await portal.QueryAsync<string>(
            "SELECT m.body FROM helpdesk.ticket_messages m JOIN helpdesk.tickets t ON t.id = m.ticket_id WHERE t.number = @ritaTicket ORDER BY m.id",
            new { ritaTicket }));
    }
}
