using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ServicePortal.Helpdesk.Tests;

/// <summary>
/// The portal (Production, as citizens see it) on a loopback port, for the ticket pages over HTTP and in Chromium.
/// No agencies: an application a ticket is about is inserted as the submission would leave it.
/// </summary>
public class HelpdeskPortalFactory : PortalFactory
{
    public Uri Address { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        With("Identity:AllowHttp", "true");
        Address = StartKestrel();
        ServerAddress = Address;
    }

    /// <summary>A client of the portal that keeps cookies as a browser does on a loopback address (they are Secure).</summary>
    public FormClient Browser() => new(LoopbackCookies.Client(Address));

    /// <summary>A new citizen, signed in: their browser, NIN, phone and account id.</summary>
    public async Task<Citizen> SignedInCitizenAsync(string language = "sw")
    {
        var (nin, phone) = await CreateAccountAsync(language: language);
        var browser = Browser();
        await SignInAsync(browser, nin, phone);
        var accountId = await ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        return new Citizen(browser, nin, phone, accountId);
    }

    /// <summary>An application of this citizen, already at the agency (inserted as the submission would leave it).</summary>
    public async Task<string> ApplicationAsync(Guid accountId)
    {
        var reference = ServicePortal.Core.Identifiers.ReadableReference.New("SP");
        await ExecuteAsync(
            """
            INSERT INTO requests.requests (reference, account_id, service_code, agency, answers, status, idempotency_key, acr,
                                           submit_path, status_path, agency_reference, submitted_at)
            VALUES (@reference, @accountId, 'rita-birth-certificate', 'rita', '{}', 'submitted', @reference,
                    'urn:serviceportal:loa:substantial', '/applications', '/applications/status', @agencyReference, now())
            """, new { reference, accountId, agencyReference = "RITA-2026-" + Random.Shared.Next(1_000_000) });
        return reference;
    }

    /// <summary>
    /// A new staff member, signed in with two factors: roles as the session's claims write them
    /// (<c>helpdesk_agent</c>, <c>agency_officer:rita</c>). No roles: a plain citizen.
    /// </summary>
    public async Task<Citizen> SignedInStaffAsync(params string[] roles)
    {
        var staff = await SignedInCitizenAsync();
        foreach (var role in roles)
        {
            await ExecuteAsync("INSERT INTO identity.account_roles (account_id, role, agency_code) VALUES (@AccountId, @role, @agency)",
                new { staff.AccountId, role = ServicePortal.Core.Staff.StaffRoles.RoleOf(role), agency = ServicePortal.Core.Staff.StaffRoles.AgencyOf(role) ?? "" });
        }

        // Roles are read at sign-in: sign in again now that the account holds them.
        var browser = Browser();
        await SignInAsync(browser, staff.Nin, staff.Phone);
        staff.Browser.Dispose();
        return staff with { Browser = browser };
    }

    /// <summary>A ticket of this citizen, opened as the store opens one (category, text, application).</summary>
    public async Task<string> TicketAsync(Guid accountId, string category = "application", string? reference = null, string? escalatedTo = null)
    {
        var store = Services.GetRequiredService<ServicePortal.Helpdesk.Tickets.TicketStore>();
        var opening = await store.OpenAsync(new ServicePortal.Helpdesk.Tickets.NewTicket(accountId, category, "Swali la majaribio.", reference, "sw",
            "test:" + Guid.NewGuid().ToString("N"), escalatedTo), CancellationToken.None);
        return Assert.IsType<ServicePortal.Helpdesk.Tickets.TicketOpening.Opened>(opening).Ticket.Number;
    }

    /// <summary>An application of this citizen at <paramref name="agency"/>.</summary>
    public async Task<string> ApplicationAtAsync(Guid accountId, string agency)
    {
        var reference = await ApplicationAsync(accountId);
        await ExecuteAsync("UPDATE requests.requests SET agency = @agency WHERE reference = @reference", new { agency, reference });
        return reference;
    }

    public Task<long> AccessRowsAsync(Guid citizen, string action) =>
        CountAsync("SELECT count(*) FROM portal.access_log WHERE citizen_account_id = @citizen AND action = @action", new { citizen, action });

    public Task<long> TicketsOfAsync(Guid accountId) =>
        CountAsync("SELECT count(*) FROM helpdesk.tickets WHERE account_id = @accountId", new { accountId });

    public Task<long> MessagesOfAsync(Guid accountId) =>
        CountAsync("SELECT count(*) FROM helpdesk.ticket_messages WHERE author_account_id = @accountId", new { accountId });
}

public sealed record Citizen(FormClient Browser, string Nin, string Phone, Guid AccountId) : IDisposable
{
    public void Dispose() => Browser.Dispose();
}

public static class TicketForms
{
    /// <summary>Opens a ticket as a browser posts the form (its token included); returns the response.</summary>
    public static Task<HttpResponseMessage> OpenTicketAsync(this FormClient browser, string? category, string? body, string? reference = null,
        string formPage = "/msaada/tiketi/mpya") =>
        browser.SubmitFormAsync(formPage, formPage.Split('?')[0], new Dictionary<string, string?>
        {
            ["Category"] = category,
            ["Body"] = body,
            ["Reference"] = reference,
        });

    public static string Decoded(this FormClient browser) => WebUtility.HtmlDecode(browser.LastPage);
}
