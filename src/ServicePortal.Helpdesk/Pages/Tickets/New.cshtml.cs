using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ServicePortal.Core.Identifiers;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Localization;
using ServicePortal.Core.Requests;
using ServicePortal.Helpdesk.Tickets;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Pages.Tickets;

/// <summary>
/// "Fungua tiketi / Open a ticket": what it is about, the question, and optionally the application it concerns (from an
/// application's page, <c>?ombi=REF</c> fills it in when it is the citizen's own). Sent, it goes to the ticket's page
/// (post, redirect, get). A double click opens one ticket: the form's one-time token is the idempotency key.
/// </summary>
[Authorize]
internal sealed class NewModel(
    IIdentityAssertions identity,
    ICitizenApplications applications,
    IValidator<NewTicketInput> validator,
    TicketStore store,
    IOptions<HelpdeskOptions> options) : TicketPage(identity)
{
    [BindProperty]
    public string? Category { get; set; }

    [BindProperty]
    public string? Body { get; set; }

    [BindProperty]
    public string? Reference { get; set; }

    [BindProperty]
    public string? Token { get; set; }

    /// <summary>The application's reference when the citizen came from its page.</summary>
    [FromQuery(Name = "ombi")]
    public string? FromApplication { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await CitizenAsync() is not { } citizen)
        {
            return Challenge();
        }

        // Filled in only when it is theirs; anything else is left out without a word (a link is not the citizen's typing).
        if (FromApplication is { Length: <= 40 } asked &&
            await applications.FindOwnAsync(citizen.AccountId, asked, cancellationToken) is { } application)
        {
            Reference = application.Reference;
            // "Complain" after a rating links here with aina=complaint; any other value keeps "a question about an application".
            Category = Request.Query["aina"] == TicketCategory.Complaint ? TicketCategory.Complaint : TicketCategory.Application;
        }

        Token = NewToken();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await CitizenAsync() is not { } citizen)
        {
            return Challenge();
        }

        Token = ValidToken(Token);
        var body = TicketText.Normalise(Body);
        var reference = string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim();
        AddErrors(await validator.ValidateAsync(new NewTicketInput(citizen.AccountId, Category, body, reference), cancellationToken));
        if (HasErrors)
        {
            return Page();
        }

        // Checked by the validator to be the citizen's own; stored in its canonical form.
        var canonical = ReadableReference.TryParse("SP", reference, out var parsed) ? parsed : null;
        // A complaint about an application goes straight to that application's agency (as e-Mrejesho routes it).
        var escalateTo = Category == TicketCategory.Complaint && canonical is not null
            ? (await applications.FindOwnAsync(citizen.AccountId, canonical, cancellationToken))?.Agency
            : null;
        var opening = await store.OpenAsync(
            new NewTicket(citizen.AccountId, Category!, body, canonical, Lang.Current, "form:" + Token, escalateTo), cancellationToken);
        switch (opening)
        {
            case TicketOpening.Opened opened:
                return Redirect($"/msaada/tiketi/{opened.Ticket.Number}?imefunguliwa=1");
            case TicketOpening.TooMany tooMany:
                var limit = options.Value.TicketsPerDay;
                Problem = T(
                    $"Umefungua tiketi {limit} ndani ya saa 24, kikomo cha siku moja. Unaweza kufungua nyingine {After(tooMany.Until)}. Ukitaka kuongeza jambo, jibu kwenye tiketi uliyokwisha kufungua.",
                    $"You have opened {limit} tickets in 24 hours, the limit for a day. You can open another {After(tooMany.Until)}. To add something, reply on a ticket you have already opened.");
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            default:
                throw new InvalidOperationException($"Unexpected outcome {opening}.");
        }
    }

    private static string NewToken() => Guid.NewGuid().ToString("N");

    private static string ValidToken(string? token) =>
        token is { Length: 32 } && token.All(char.IsAsciiHexDigitLower) ? token : NewToken();
}
