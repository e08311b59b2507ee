using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Core.Identity;
using ServicePortal.Helpdesk.Staff;

namespace ServicePortal.Helpdesk.Pages.Agency;

/// <summary>
/// An agency officer's escalated tickets (<c>/agency/tickets</c>): those the helpdesk passed to the officer's agency,
/// waiting ones first, then the ones already answered. Only the officer's own agencies; the list shows ticket numbers
/// and categories, not citizens' data, so it writes no access-log row (opening a ticket does).
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy)]
internal sealed class TicketsModel(StaffTickets tickets) : AgencyPage
{
    public IReadOnlyList<StaffTicket> Items { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Agencies.Count == 0)
        {
            return Forbid();
        }

        var items = new List<StaffTicket>();
        foreach (var agency in Agencies)
        {
            items.AddRange(await tickets.ListForAgencyAsync(agency, escalatedOnly: false, 200, cancellationToken));
        }

        Items = items;
        return Page();
    }
}
