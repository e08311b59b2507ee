using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Staff;
using ServicePortal.Helpdesk.Sla;
using ServicePortal.Helpdesk.Staff;
using ServicePortal.Helpdesk.Tickets;

namespace ServicePortal.Helpdesk.Pages.Staff;

/// <summary>
/// What the helpdesk's staff pages share: they are for <c>helpdesk_agent</c> and <c>helpdesk_supervisor</c> signed in
/// with two factors (the portal's staff policy, as the administrator's pages use it; anyone else is sent to sign in or
/// answered 403), and they know who acts, in which role (the access log records it).
/// </summary>
internal abstract class HelpdeskPage : PageModel
{
    public const string Roles = StaffRoles.HelpdeskAgent + "," + StaffRoles.HelpdeskSupervisor;

    public StaffActor Actor => ActorOf(User);

    public bool IsSupervisor => User.HasClaim(PortalClaims.Role, StaffRoles.HelpdeskSupervisor);

    /// <summary>The acting role is the strongest helpdesk role held: a supervisor's access is recorded as a supervisor's.</summary>
    public static StaffActor ActorOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var id = Guid.Parse(user.FindFirstValue(PortalClaims.AccountId) ?? throw new InvalidOperationException("A staff session names its account."));
        var role = user.HasClaim(PortalClaims.Role, StaffRoles.HelpdeskSupervisor) ? StaffRoles.HelpdeskSupervisor : StaffRoles.HelpdeskAgent;
        return new StaffActor(id, role);
    }
}

/// <summary>A ticket's line in a queue: the ticket, its two clocks and who has it.</summary>
internal sealed record QueueRow(StaffTicket Ticket, SlaState FirstResponse, SlaState Resolution, string? Assignee)
{
    public bool Breaching => Ticket.IsOpen && (FirstResponse.IsBreached && Ticket.FirstResponseAt is null || Resolution.IsBreached);

    public static QueueRow Of(StaffTicket ticket, SlaClock clock, DateTimeOffset now, string? assignee) => new(ticket,
        clock.FirstResponse(ticket.Category, StaffTicket.Utc(ticket.CreatedAt), StaffTicket.Utc(ticket.FirstResponseAt), now),
        clock.Resolution(ticket.Category, StaffTicket.Utc(ticket.CreatedAt), StaffTicket.Utc(ticket.ResolvedAt), now),
        assignee);
}

/// <summary>Staff words for a ticket's status (the citizen's words are in <see cref="TicketStatus.Describe"/>).</summary>
internal static class StaffWords
{
    public static string Status(string status) => status switch
    {
        TicketStatus.Open => Core.Localization.Lang.T("Wazi", "Open"),
        TicketStatus.WaitingForCitizen => Core.Localization.Lang.T("Inasubiri raia", "Waiting for the citizen"),
        TicketStatus.Escalated => Core.Localization.Lang.T("Imepelekwa kwa taasisi", "Escalated to the agency"),
        TicketStatus.Resolved => Core.Localization.Lang.T("Imetatuliwa", "Resolved"),
        TicketStatus.Closed => Core.Localization.Lang.T("Imefungwa", "Closed"),
        _ => status,
    };

    public static string Priority(string priority) => priority switch
    {
        TicketPriority.Low => Core.Localization.Lang.T("Chini", "Low"),
        TicketPriority.Normal => Core.Localization.Lang.T("Kawaida", "Normal"),
        TicketPriority.High => Core.Localization.Lang.T("Juu", "High"),
        TicketPriority.Urgent => Core.Localization.Lang.T("Dharura", "Urgent"),
        _ => priority,
    };
}
