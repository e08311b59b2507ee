using System.Net;

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
