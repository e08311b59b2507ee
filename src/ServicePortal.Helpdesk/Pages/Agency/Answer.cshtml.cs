using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Core.Identity;
using ServicePortal.Helpdesk.Staff;
using ServicePortal.Helpdesk.Tickets;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Pages.Agency;

/// <summary>
/// One escalated ticket for an agency officer (<c>/agency/tickets/{number}</c>): the public conversation (the helpdesk's
/// internal notes stay with the helpdesk) and an answer form. The answer is a public staff reply on the agency's behalf:
/// the citizen reads it and is told by SMS (the ticket store's outbox path), and the ticket goes back to waiting for the
/// citizen, or resolved. A ticket escalated to another agency, or to none, is 404, as one that does not exist.
/// Opening it writes the access-log row <c>ticket</c> in the officer's role (<c>agency_officer:rita</c>).
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy)]
internal sealed class AnswerModel(StaffTickets tickets, TicketStore store, IValidator<TicketReplyInput> validator) : AgencyPage
{
    public StaffTicket Ticket { get; private set; } = null!;

    public IReadOnlyList<TicketMessage> Messages { get; private set; } = [];

    [BindProperty]
    public string? Body { get; set; }

    public string? BodyError { get; private set; }

    public bool Answered { get; private set; }

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken cancellationToken)
    {
        Answered = Request.Query.ContainsKey("jibu");
        return await ShowAsync(number, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(string number, string? status, CancellationToken cancellationToken)
    {
        if (Agencies.Count == 0)
        {
            return Forbid();
        }

        var ticket = await tickets.FindAsync(number, cancellationToken);
        if (ticket?.EscalatedAgency is not { } agency || !Agencies.Contains(agency) || ticket.Status != TicketStatus.Escalated)
        {
            return NotFound();
        }

        var body = TicketText.Normalise(Body);
        var result = await validator.ValidateAsync(new TicketReplyInput(body), cancellationToken);
        if (!result.IsValid)
        {
            BodyError = result.Errors[0].ErrorMessage;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await ShowAsync(number, cancellationToken);
        }

        var outcome = await store.AddStaffReplyAsync(ticket.Number, ActorFor(agency).AccountId, body, cancellationToken,
            status == TicketStatus.Resolved ? TicketStatus.Resolved : TicketStatus.WaitingForCitizen, agency);
        return outcome is TicketReply.Added ? Redirect($"/agency/tickets/{ticket.Number}?jibu=1") : NotFound();
    }

    private async Task<IActionResult> ShowAsync(string number, CancellationToken cancellationToken)
    {
        if (Agencies.Count == 0)
        {
            return Forbid();
        }

        // Which of the officer's agencies it was escalated to (without logging), then the logged read scoped to it.
        var found = await tickets.FindAsync(number, cancellationToken);
        if (found?.EscalatedAgency is not { } agency || !Agencies.Contains(agency) ||
            await tickets.OpenAsync(number, ActorFor(agency), agency, includeInternal: false, cancellationToken) is not { } opened)
        {
            return NotFound();
        }

        (Ticket, Messages) = opened;
        return Page();
    }

    public string Waiting => T("Inasubiri jibu lenu", "Waiting for your answer");
}
