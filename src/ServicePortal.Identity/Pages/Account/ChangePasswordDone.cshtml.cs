using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>"Your password has been changed": where a change of password ends, by a redirect (PRG).</summary>
[Authorize(AuthenticationSchemes = PortalSession.Scheme)]
public sealed class ChangePasswordDoneModel : PageModel
{
    public void OnGet()
    {
    }
}
