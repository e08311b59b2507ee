using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// Signing out is a POST (with antiforgery), so no link on another site can sign a person out; the header of every
/// page has its button. It ends in "you have signed out" (<see cref="SignedOutModel"/>), a page with no session.
/// </summary>
public sealed class SignOutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(PortalSession.Scheme);
        await HttpContext.SignOutAsync(PortalSession.PendingScheme);
        return RedirectToPage("/Account/SignedOut");
    }
}
