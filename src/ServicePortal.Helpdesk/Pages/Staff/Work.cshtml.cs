using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Requests;
using ServicePortal.Core.Staff;
using ServicePortal.Helpdesk.Sla;
using ServicePortal.Helpdesk.Staff;
using ServicePortal.Helpdesk.Tickets;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Pages.Staff;

/// <summary>
/// The ticket work screen (<c>/helpdesk/tiketi/{number}</c>): the conversation with internal notes, a public reply (the
/// citizen is told by SMS, in the same transaction), an internal note, status and priority, take or give back, and
/// escalation to the agency of the ticket's application. Opening it writes the access-log row <c>ticket</c>. Every form
/// posts, redirects and shows the ticket again (post, redirect, get).
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy, Roles = Roles)]
internal sealed class WorkModel(
    StaffTickets tickets,
    TicketStore store,
    SlaClock clock,
    TimeProvider time,
    ICitizenApplications applications,
    IValidator<TicketReplyInput> validator,
    IEnumerable<IStaffNames> names) : HelpdeskPage
{
    public StaffTicket Ticket { get; private set; } = null!;

    public IReadOnlyList<TicketMessage> Messages { get; private set; } = [];

    public QueueRow Clocks { get; private set; } = null!;

    /// <summary>The agency of the ticket's application: where an escalation goes.</summary>
    public string? ApplicationAgency { get; private set; }

    public IReadOnlyDictionary<string, string> Authors { get; private set; } = new Dictionary<string, string>();

    [BindProperty]
    public string? Body { get; set; }

    public string? BodyError { get; private set; }

    public string? Problem { get; private set; }

    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(string number, string? done, CancellationToken cancellationToken)
    {
        Done = done switch
        {
            "reply" => T("Jibu limetumwa kwa raia, na ameambiwa kwa SMS.", "The reply was sent to the citizen, who was told by SMS."),
            "note" => T("Maelezo ya ndani yamehifadhiwa.", "The internal note was saved."),
            "escalated" => T("Tiketi imepelekwa kwa taasisi.", "The ticket was escalated to the agency."),
            "saved" => T("Mabadiliko yamehifadhiwa.", "The change was saved."),
            _ => null,
        };
        return await ShowAsync(number, cancellationToken);
    }

    public Task<IActionResult> OnPostReplyAsync(string number, string? status, CancellationToken cancellationToken) =>
        WriteAsync(number, async body => await store.AddStaffReplyAsync(number, Actor.AccountId, body, cancellationToken,
            status == TicketStatus.Resolved ? TicketStatus.Resolved : TicketStatus.WaitingForCitizen), "reply", cancellationToken);

    public Task<IActionResult> OnPostNoteAsync(string number, CancellationToken cancellationToken) =>
        WriteAsync(number, async body => await store.AddInternalNoteAsync(number, Actor.AccountId, body, cancellationToken), "note", cancellationToken);

    public async Task<IActionResult> OnPostStatusAsync(string number, string? status, CancellationToken cancellationToken) =>
        await ChangedAsync(number, await tickets.SetStatusAsync(number, status ?? "", cancellationToken), "saved", cancellationToken);

    public async Task<IActionResult> OnPostPriorityAsync(string number, string? priority, CancellationToken cancellationToken) =>
        await ChangedAsync(number, await tickets.SetPriorityAsync(number, priority ?? "", cancellationToken), "saved", cancellationToken);

    public async Task<IActionResult> OnPostTakeAsync(string number, CancellationToken cancellationToken) =>
        await ChangedAsync(number, await tickets.AssignAsync(number, Actor.AccountId, cancellationToken), "saved", cancellationToken);

    public async Task<IActionResult> OnPostReleaseAsync(string number, CancellationToken cancellationToken) =>
        await ChangedAsync(number, await tickets.AssignAsync(number, null, cancellationToken), "saved", cancellationToken);

    /// <summary>Escalation goes to the agency of the ticket's application (read through the Requests module), never to one typed in.</summary>
    public async Task<IActionResult> OnPostEscalateAsync(string number, CancellationToken cancellationToken)
    {
        if (await tickets.FindAsync(number, cancellationToken) is not { } ticket)
        {
            return NotFound();
        }

        var agency = ticket.RequestReference is { } reference ? (await applications.FindForStaffAsync(reference, cancellationToken))?.Agency : null;
        if (agency is null)
        {
            Problem = T("Tiketi hii haihusu ombi, kwa hiyo haina taasisi ya kupelekwa. Mjibu raia, au muulize namba ya ombi.",
                "This ticket is about no application, so there is no agency to escalate it to. Answer the citizen, or ask for the application reference.");
            Response.StatusCode = StatusCodes.Status409Conflict;
            return await ShowAsync(number, cancellationToken);
        }

        return await ChangedAsync(number, await tickets.EscalateAsync(number, agency, cancellationToken), "escalated", cancellationToken);
    }

    private async Task<IActionResult> WriteAsync(string number, Func<string, Task<TicketReply>> write, string done, CancellationToken cancellationToken)
    {
        var body = TicketText.Normalise(Body);
        var result = await validator.ValidateAsync(new TicketReplyInput(body), cancellationToken);
        if (!result.IsValid)
        {
            BodyError = result.Errors[0].ErrorMessage;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await ShowAsync(number, cancellationToken);
        }

        switch (await write(body))
        {
            case TicketReply.Added:
                return Redirect($"/helpdesk/tiketi/{Uri.EscapeDataString(number)}?done={done}");
            case TicketReply.NotFound:
                return NotFound();
            default:
                Problem = T("Tiketi hii imefungwa, kwa hiyo haipokei majibu.", "This ticket is closed, so it takes no replies.");
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await ShowAsync(number, cancellationToken);
        }
    }

    private async Task<IActionResult> ChangedAsync(string number, StaffChange change, string done, CancellationToken cancellationToken)
    {
        switch (change)
        {
            case StaffChange.Done:
                return Redirect($"/helpdesk/tiketi/{Uri.EscapeDataString(number)}?done={done}");
            case StaffChange.NotFound:
                return NotFound();
            default:
                Problem = T("Mabadiliko hayo hayawezekani kwa tiketi hii (imefungwa, au thamani si sahihi).",
                    "That change is not possible for this ticket (it is closed, or the value is not valid).");
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await ShowAsync(number, cancellationToken);
        }
    }

    private async Task<IActionResult> ShowAsync(string number, CancellationToken cancellationToken)
    {
        if (await tickets.OpenAsync(number, Actor, agency: null, includeInternal: true, cancellationToken) is not { } opened)
        {
            return NotFound();
        }

        (Ticket, Messages) = opened;
        var authors = Messages.Where(m => m.Author == TicketMessage.Staff).Select(m => Actors.StaffPrefix + m.AuthorAccountId).ToList();
        if (Ticket.AssigneeAccountId is { } assignee)
        {
            authors.Add(Actors.StaffPrefix + assignee);
        }

        Authors = await Actors.DescribeManyAsync(names, authors, null, cancellationToken);
        Clocks = QueueRow.Of(Ticket, clock, time.GetUtcNow(),
            Ticket.AssigneeAccountId is { } a ? Authors.GetValueOrDefault(Actors.StaffPrefix + a) : null);
        ApplicationAgency = Ticket.RequestReference is { } reference ? (await applications.FindForStaffAsync(reference, cancellationToken))?.Agency : null;
        return Page();
    }
}
