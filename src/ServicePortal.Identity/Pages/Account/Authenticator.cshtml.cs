using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Authenticator;
using ServicePortal.Identity.Session;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// Enrolment of an authenticator app (TOTP): a QR code and the key, then one code to prove the app works.
/// Changing the second factor needs a session signed in with the second factor; it ends every other session and
/// refresh token of the account and tells the phone by SMS (<see cref="AccountSecurityEvents"/>).
/// </summary>
[Authorize(AuthenticationSchemes = PortalSession.Scheme, Policy = IdentityModule.SecondFactorPolicy)]
public sealed class AuthenticatorModel(AccountStore accounts, AuthenticatorApp app, AccountSecurityEvents events) : FormPageModel
{
    public bool Enabled { get; private set; }
    public string QrDataUri { get; private set; } = "";
    public string SecretForPeople { get; private set; } = "";

    [BindProperty] public string? Sealed { get; set; }
    [BindProperty] public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var account = await CurrentAsync(cancellationToken);
        if (account is null)
        {
            return Challenge(PortalSession.Scheme);
        }

        Enabled = SignInFlow.UsesAuthenticator(account);
        if (!Enabled)
        {
            Offer(account, app.NewSecret());
        }

        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken)
    {
        var account = await CurrentAsync(cancellationToken);
        if (account is null)
        {
            return Challenge(PortalSession.Scheme);
        }

        var secret = app.Unseal(Sealed);
        if (secret is null)
        {
            Problem = T("Muda wa ufunguo huu umeisha. Anza upya kwa msimbo mpya.", "This key has expired. Start again with the new code.");
            Offer(account, app.NewSecret());
            return Page();
        }

        if (app.Match(secret, Code) is not { } step)
        {
            Errors["Code"] = T("Namba si sahihi. Weka namba inayoonekana sasa kwenye programu.", "The code is wrong. Enter the code the app shows now.");
            Offer(account, (secret, Sealed!));
            return Page();
        }

        await events.ApplyAsync(new AccountSecurityChange(account.Id, SecurityChange.SecondFactor, KeepSessionId: PortalSession.SessionId(User)),
            (connection, transaction, token) => app.EnableAsync(connection, transaction, account.Id, secret, step, token), cancellationToken);
        return LocalRedirect("/account/authenticator");
    }

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken)
    {
        var account = await CurrentAsync(cancellationToken);
        if (account is not null && SignInFlow.UsesAuthenticator(account))
        {
            await events.ApplyAsync(new AccountSecurityChange(account.Id, SecurityChange.SecondFactor, KeepSessionId: PortalSession.SessionId(User)),
                (connection, transaction, token) => AuthenticatorApp.DisableAsync(connection, transaction, account.Id, token), cancellationToken);
        }

        return LocalRedirect("/account/authenticator");
    }

    private void Offer(Accounts.Account account, (string Base32, string Sealed) secret)
    {
        Sealed = secret.Sealed;
        SecretForPeople = string.Join(' ', secret.Base32.Chunk(4).Select(c => new string(c)));
        QrDataUri = AuthenticatorApp.Enrolment(secret.Base32, account.Nin.Masked).QrDataUri;
    }

    private async Task<Accounts.Account?> CurrentAsync(CancellationToken cancellationToken) =>
        PortalSession.AccountId(User) is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
}
