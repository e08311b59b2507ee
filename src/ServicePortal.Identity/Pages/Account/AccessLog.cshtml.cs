using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Identity.AccessHistory;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// "Nani ameangalia taarifa zangu / Who viewed my data": the signed-in citizen's own access log and the calls that
/// carried their identity to agencies, newest first, 20 a page (as Estonia's Data Tracker).
/// </summary>
[Authorize(AuthenticationSchemes = PortalSession.Scheme)]
public sealed class AccessLogModel(AccessHistoryReader history) : PageModel
{
    /// <summary>The page asked for; anything that is not a page number shows the first page.</summary>
    [BindProperty(SupportsGet = true, Name = "page")]
    public string? PageAsked { get; set; }

    public AccessHistoryReader.Page Found { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (PortalSession.AccountId(User) is not { } accountId)
        {
            return Challenge(PortalSession.Scheme);
        }

        var number = int.TryParse(PageAsked, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var asked) &&
                     asked is >= 1 and <= AccessHistoryReader.MaxPage
            ? asked
            : 1;
        Found = await history.ReadAsync(accountId, number, AccessHistoryReader.PageSize, cancellationToken);
        return Page();
    }
}
