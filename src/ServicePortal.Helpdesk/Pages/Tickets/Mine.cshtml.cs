using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Core.Identity;
using ServicePortal.Helpdesk.Tickets;

namespace ServicePortal.Helpdesk.Pages.Tickets;

/// <summary>"Tiketi zangu / My tickets": the citizen's tickets, the most recently changed first, those waiting for them marked.</summary>
[Authorize]
internal sealed class MineModel(IIdentityAssertions identity, TicketStore store) : TicketPage(identity)
{
    public const int PageSize = 20;

    public IReadOnlyList<Ticket> Items { get; private set; } = [];

    public long Total { get; private set; }

    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await CitizenAsync() is not { } citizen)
        {
            return Challenge();
        }

        PageNumber = Math.Clamp(PageNumber, 1, 10_000);
        (Items, Total) = await store.ListForCitizenAsync(citizen.AccountId, PageNumber, PageSize, cancellationToken);
        return Page();
    }
}
