using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// "Your account has been created" (GOV.UK's confirmation page): where registering ends, by a redirect after the
/// password is saved, so that Back or a reload never posts the password again. It says what happens next and leads
/// on to where the person was going (a local <c>returnUrl</c>, else the account page).
/// </summary>
[Authorize(AuthenticationSchemes = PortalSession.Scheme)]
public sealed class RegisterDoneModel(AccountStore accounts) : FormPageModel
{
    public string Phone { get; private set; } = "";

    public string Next => SafeReturnUrl();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var account = PortalSession.AccountId(User) is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        if (account is null)
        {
            return Challenge(PortalSession.Scheme);
        }

        Phone = PhoneNumber.Mask(account.Phone);
        return Page();
    }
}
