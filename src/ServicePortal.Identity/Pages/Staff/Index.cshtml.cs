using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Pages.Staff;

/// <summary>The staff area's door: a staff role and the second factor. Helpdesk and administration pages follow.</summary>
[Authorize(Policy = IdentityModule.StaffPolicy)]
public sealed class IndexModel : PageModel
{
    public IReadOnlyList<string> Roles { get; private set; } = [];

    public void OnGet() => Roles = [.. User.FindAll(PortalSession.RoleClaim).Select(c => c.Value)];
}
