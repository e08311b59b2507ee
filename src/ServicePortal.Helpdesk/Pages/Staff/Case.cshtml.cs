using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Staff;
using ServicePortal.Helpdesk.Staff;

namespace ServicePortal.Helpdesk.Pages.Staff;

/// <summary>
/// One citizen's case (<c>/helpdesk/raia/{account}</c>): the account (phone and NIN masked: the agent confirms the last
/// digits with the caller, and never needs the whole NIN), the applications with their timelines, notices sent and
/// their delivery (one-time codes masked), tickets and the internal notes on them. Opening it writes the access-log
/// row <c>case</c> in the same transaction as the helpdesk's reads.
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy, Roles = Roles)]
internal sealed class CaseModel(CitizenCases cases, IEnumerable<IStaffNames> names) : HelpdeskPage
{
    public CitizenCase Case { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> Authors { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(Guid account, CancellationToken cancellationToken)
    {
        if (await cases.OpenAsync(Actor, account, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        Case = found;
        Authors = await Actors.DescribeManyAsync(names, found.Notes.Select(n => Actors.StaffPrefix + n.AuthorAccountId), null, cancellationToken);
        return Page();
    }
}
