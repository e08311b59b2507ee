using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>"You have signed out": a plain GET page that needs no session (the sign-out POST redirects here).</summary>
public sealed class SignedOutModel : PageModel
{
    public void OnGet()
    {
    }
}
