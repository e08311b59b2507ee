using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenIddict.Server.AspNetCore;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Pages.Connect;

/// <summary>
/// The end-session endpoint: a relying party sends the person here to sign out. Signing out is confirmed by
/// a POST (with antiforgery), so a link alone cannot sign anyone out; then back to the client's registered
/// post-logout address, or home.
/// </summary>
public sealed class EndSessionModel : PageModel
{
    public IReadOnlyList<(string Name, string Value)> Parameters { get; private set; } = [];

    public void OnGet() =>
        Parameters = [.. Request.Query.SelectMany(p => p.Value.Select(v => (p.Key, v ?? "")))];

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(PortalSession.Scheme);
        return SignOut(new AuthenticationProperties { RedirectUri = "/" }, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
