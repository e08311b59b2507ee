using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Core.Identity;
using ServicePortal.Helpdesk.Tickets;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Pages.Tickets;

/// <summary>
/// One ticket: what it is about, where it stands, the conversation (public messages only: an internal note is never
/// read here) and a reply form. Another citizen's ticket is "not found", exactly as a number that does not exist.
/// Everything written is shown as text (Razor encodes it).
/// </summary>
[Authorize]
internal sealed class DetailModel(IIdentityAssertions identity, IValidator<TicketReplyInput> validator, TicketStore store)
    : TicketPage(identity)
{
    public Ticket Ticket { get; private set; } = null!;

    public IReadOnlyList<TicketMessage> Messages { get; private set; } = [];

    [BindProperty]
    public string? Body { get; set; }

    /// <summary>Just opened (the open-ticket form's redirect), or just replied to.</summary>
    public bool JustOpened { get; private set; }

    public bool JustReplied { get; private set; }

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken cancellationToken)
    {
        if (await CitizenAsync() is not { } citizen)
        {
            return Challenge();
        }

        if (await store.FindForCitizenAsync(citizen.AccountId, number, cancellationToken) is not { } ticket)
        {
            return NotFound();
        }

        JustOpened = Request.Query.ContainsKey("imefunguliwa");
        JustReplied = Request.Query.ContainsKey("jibu");
        return await ShowAsync(ticket, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(string number, CancellationToken cancellationToken)
    {
        if (await CitizenAsync() is not { } citizen)
        {
            return Challenge();
        }

        if (await store.FindForCitizenAsync(citizen.AccountId, number, cancellationToken) is not { } ticket)
        {
            return NotFound();
        }

        var body = TicketText.Normalise(Body);
        AddErrors(await validator.ValidateAsync(new TicketReplyInput(body), cancellationToken));
        if (HasErrors)
        {
            return await ShowAsync(ticket, cancellationToken);
        }

        switch (await store.AddCitizenReplyAsync(citizen.AccountId, ticket.Number, body, cancellationToken))
        {
            case TicketReply.Added:
                return Redirect($"/msaada/tiketi/{ticket.Number}?jibu=1#jibu");
            case TicketReply.NotFound:
                return NotFound();
            case TicketReply.Closed:
                Problem = T("Tiketi hii imefungwa, kwa hiyo haipokei majibu tena. Ukiwa na swali jipya, fungua tiketi mpya.",
                    "This ticket is closed, so it takes no more replies. If you have a new question, open a new ticket.");
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            case TicketReply.TooMany tooMany:
                Problem = T($"Umefikia kikomo cha majibu ya siku moja. Unaweza kujibu tena {After(tooMany.Until)}.",
                    $"You have reached the limit of replies for a day. You can reply again {After(tooMany.Until)}.");
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                break;
        }

        return await ShowAsync(ticket, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        Ticket = ticket;
        Messages = await store.ListMessagesAsync(ticket.Id, includeInternal: false, cancellationToken);
        return Page();
    }
}
