using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Pages.Account;

[Authorize(AuthenticationSchemes = PortalSession.Scheme)]
public sealed class IndexModel(AccountStore accounts) : PageModel
{
    public Accounts.Account Account { get; private set; } = null!;
    public string? Acr { get; private set; }
    public IReadOnlyList<string> Roles { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var account = PortalSession.AccountId(User) is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        if (account is null)
        {
            return Challenge(PortalSession.Scheme);
        }

        Account = account;
        Acr = PortalSession.Acr(User);
        Roles = [.. User.FindAll(PortalSession.RoleClaim).Select(c => c.Value)];
        return Page();
    }
}
