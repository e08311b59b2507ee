using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.OpenIdConnect;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// The person's account: their details, how they signed in, and every device signed in to the account, each of
/// which they can sign out (or all at once), as GOV.UK One Login and Google do.
/// </summary>
[Authorize(AuthenticationSchemes = PortalSession.Scheme)]
public sealed class IndexModel(AccountStore accounts, PortalSessions sessions, RefreshTokenRevocation tokens) : PageModel
{
    /// <summary>One device signed in, as the page shows it.</summary>
    public sealed record SessionRow(Guid Id, bool Current, string Device, string Started, string LastSeen, string Network);

    public Accounts.Account Account { get; private set; } = null!;
    public string? Acr { get; private set; }
    public IReadOnlyList<string> Roles { get; private set; } = [];

    /// <summary>
    /// The account has staff roles this session does not carry: it was signed in with an SMS code, which is not enough
    /// for staff (<see cref="PortalSession.StaffMethods"/>).
    /// </summary>
    public bool StaffNeedsStrongerFactor { get; private set; }
    public IReadOnlyList<SessionRow> Sessions { get; private set; } = [];

    /// <summary>One sign-in, as the page shows it: when (East Africa Time), the device, the masked network.</summary>
    public sealed record SignInRow(string When, string Device, string Network);

    public IReadOnlyList<SignInRow> SignIns { get; private set; } = [];

    /// <summary>Set after a device was signed out (the page says so).</summary>
    [BindProperty(SupportsGet = true, Name = "ended")]
    public bool Ended { get; set; }

    [BindProperty]
    public Guid? SessionId { get; set; }

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
        StaffNeedsStrongerFactor = Roles.Count == 0 && (await accounts.RolesAsync(account.Id, cancellationToken)).Count > 0;
        var current = PortalSession.SessionId(User);
        Sessions =
        [
            .. (await sessions.ListAsync(account.Id, cancellationToken))
                .OrderByDescending(s => s.Id == current)
                .Select(s => new SessionRow(s.Id, s.Id == current, SessionDevices.Describe(s.UserAgent), SessionDevices.When(s.CreatedAt),
                    SessionDevices.When(s.LastSeenAt), SessionDevices.Network(s.ClientNetwork))),
        ];
        SignIns =
        [
            .. (await sessions.RecentSignInsAsync(account.Id, cancellationToken))
                .Select(s => new SignInRow(SessionDevices.When(s.At), SessionDevices.Describe(s.UserAgent), SessionDevices.Network(s.ClientNetwork))),
        ];
        return Page();
    }

    /// <summary>Signs one other device out. Only a session of this account can be named.</summary>
    public async Task<IActionResult> OnPostEndAsync(CancellationToken cancellationToken)
    {
        if (PortalSession.AccountId(User) is { } accountId && SessionId is { } id)
        {
            if (id == PortalSession.SessionId(User))
            {
                await HttpContext.SignOutAsync(PortalSession.Scheme);
                return LocalRedirect("/");
            }

            await sessions.EndOfAccountAsync(accountId, id, SessionEnd.SignedOutFromAnother, cancellationToken);
        }

        return LocalRedirect("/account?ended=true");
    }

    /// <summary>Signs every device out, this one too, and every app: the account's refresh tokens are revoked for all clients.</summary>
    public async Task<IActionResult> OnPostEndAllAsync(CancellationToken cancellationToken)
    {
        if (PortalSession.AccountId(User) is { } accountId)
        {
            await sessions.EndAllAsync(accountId, except: null, SessionEnd.SignedOutEverywhere, cancellationToken);
            await tokens.RevokeTokensAsync(accountId, cancellationToken);
        }

        await HttpContext.SignOutAsync(PortalSession.Scheme);
        return LocalRedirect("/");
    }
}
