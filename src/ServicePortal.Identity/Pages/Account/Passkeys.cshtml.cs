using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Passkeys;
using ServicePortal.Identity.Session;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// The account's passkeys (optional for citizens; one of the two factors strong enough for staff): add one with this
/// device's authenticator, or remove one. Like the authenticator app, a change needs a sign-in in the last five
/// minutes (<see cref="RecentSignIn"/>), ends the account's other sessions and texts the phone
/// (<see cref="AccountSecurityEvents"/>). Registering needs JavaScript (WebAuthn is a browser API); without it the
/// page says so and offers no form.
/// </summary>
[Authorize(AuthenticationSchemes = PortalSession.Scheme, Policy = IdentityModule.SecondFactorPolicy)]
public sealed class PasskeysModel(AccountStore accounts, PasskeyService passkeys, AccountSecurityEvents events, TimeProvider clock) : FormPageModel
{
    public IReadOnlyList<StoredPasskey> Passkeys { get; private set; } = [];

    /// <summary>The registration options (JSON) the script gives the browser's authenticator.</summary>
    public string Options { get; private set; } = "{}";

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Credential { get; set; }
    [BindProperty] public string? Key { get; set; }

    /// <summary>Set after a change (the page says so).</summary>
    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var account = await CurrentAsync(cancellationToken);
        if (account is null)
        {
            return Challenge(PortalSession.Scheme);
        }

        if (!SignedInRecently())
        {
            return SignInAgain();
        }

        await ShowAsync(account, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRegisterAsync(CancellationToken cancellationToken)
    {
        var account = await CurrentAsync(cancellationToken);
        if (account is null)
        {
            return Challenge(PortalSession.Scheme);
        }

        if (!SignedInRecently())
        {
            return SignInAgain();
        }

        var name = (Name ?? "").Trim();
        if (name.Length > 60)
        {
            Errors["Name"] = T("Jina lisizidi herufi 60.", "The name must be 60 characters or fewer.");
        }
        else if (name.Length == 0)
        {
            name = T("Passkey", "Passkey");
        }

        if (string.IsNullOrWhiteSpace(Credential))
        {
            Problem = T("Passkey haikuundwa. Jaribu tena.", "No passkey was made. Try again.");
        }

        if (HasErrors)
        {
            await ShowAsync(account, cancellationToken);
            return Page();
        }

        PasskeyResult result = new PasskeyResult.Refused("not run");
        try
        {
            await events.ApplyAsync(new AccountSecurityChange(account.Id, SecurityChange.SecondFactor, KeepSessionId: PortalSession.SessionId(User)),
                async (connection, transaction, token) =>
                {
                    result = await passkeys.RegisterAsync(connection, transaction, account.Id, Binding(), Credential, name, token);
                    if (result is PasskeyResult.Refused)
                    {
                        throw new PasskeyRefusedException();
                    }
                }, cancellationToken);
        }
        catch (PasskeyRefusedException)
        {
            // Rolled back: nothing stored, nobody signed out, no SMS. The challenge was spent with the rest of the
            // transaction's work undone, so it is taken out again on its own below.
        }

        if (result is not PasskeyResult.Right)
        {
            Problem = T("Passkey hii haikukubaliwa. Jaribu tena kwenye ukurasa huu.", "This passkey was not accepted. Try again on this page.");
            await ShowAsync(account, cancellationToken);
            return Page();
        }

        return LocalRedirect("/account/passkeys?done=added");
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
    {
        var account = await CurrentAsync(cancellationToken);
        if (account is null)
        {
            return Challenge(PortalSession.Scheme);
        }

        if (!SignedInRecently())
        {
            return SignInAgain();
        }

        var id = FromKey(Key);
        var mine = id is not null && (await passkeys.ListAsync(account.Id, cancellationToken)).Any(p => p.CredentialId.AsSpan().SequenceEqual(id));
        if (mine)
        {
            await events.ApplyAsync(new AccountSecurityChange(account.Id, SecurityChange.SecondFactor, KeepSessionId: PortalSession.SessionId(User)),
                (connection, transaction, token) => PasskeyService.RemoveAsync(connection, transaction, account.Id, id!, token), cancellationToken);
        }

        return LocalRedirect(mine ? "/account/passkeys?done=removed" : "/account/passkeys");
    }

    private async Task ShowAsync(Accounts.Account account, CancellationToken cancellationToken)
    {
        Passkeys = await passkeys.ListAsync(account.Id, cancellationToken);
        Options = await passkeys.RegistrationOptionsAsync(account, Binding(), cancellationToken);
    }

    /// <summary>The registration challenge belongs to this session.</summary>
    private string Binding() => "session:" + PortalSession.SessionId(User);

    private static byte[]? FromKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 1400)
        {
            return null;
        }

        var base64 = key.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - base64.Length % 4) % 4);
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private bool SignedInRecently() => RecentSignIn.Holds(User, clock.GetUtcNow());

    private LocalRedirectResult SignInAgain() => LocalRedirect(RecentSignIn.SignInAgain("/account/passkeys"));

    private async Task<Accounts.Account?> CurrentAsync(CancellationToken cancellationToken) =>
        PortalSession.AccountId(User) is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;

    /// <summary>Rolls the change back when the authenticator's answer is refused: nothing stored, nobody signed out, no SMS.</summary>
    private sealed class PasskeyRefusedException : Exception;
}
