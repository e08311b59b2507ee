using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Authenticator;
using ServicePortal.Identity.Session;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// Enrolment of an authenticator app (TOTP): a QR code and the key, then one code to prove the app works.
/// Changing the second factor needs a sign-in with the password and the current second factor (the SMS code, or the
/// app's code) in the last five minutes (<see cref="Session.RecentSignIn"/>), else the person is asked to sign in again, as GitHub's "sudo
/// mode" does; turning the app off needs, besides, a code the app shows now. So a copied session cannot swap the
/// factor. A change ends every other session and refresh token of the account and tells the phone by SMS
/// (<see cref="AccountSecurityEvents"/>).
/// </summary>
[Authorize(AuthenticationSchemes = PortalSession.Scheme, Policy = IdentityModule.SecondFactorPolicy)]
public sealed class AuthenticatorModel(AccountStore accounts, AuthenticatorApp app, AccountSecurityEvents events, SignInFlow flow,
    TrustedDevices devices, TimeProvider clock) : FormPageModel
{

    private static string EnterTheCode => T("Andika namba ya tarakimu 6 inayoonekana kwenye programu.", "Enter the 6-digit code the app shows.");

    public bool Enabled { get; private set; }

    /// <summary>The <c>otpauth://</c> address that opens the authenticator app on this phone (the QR code is for another device).</summary>
    public string OtpAuthUri { get; private set; } = "";
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

        if (!SignedInRecently())
        {
            return SignInAgain();
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

        if (!SignedInRecently())
        {
            return SignInAgain();
        }

        var secret = app.Unseal(Sealed);
        if (secret is not null && string.IsNullOrWhiteSpace(Code))
        {
            Errors["Code"] = EnterTheCode;
            Offer(account, (secret, Sealed!));
            return Page();
        }

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
        if (account is null)
        {
            return Challenge(PortalSession.Scheme);
        }

        if (!SignedInRecently())
        {
            return SignInAgain();
        }

        if (SignInFlow.UsesAuthenticator(account))
        {
            // A code the app shows now, counted with the wrong passwords and codes of signing in (and spent: no replay).
            // No code at all is asked for, not counted: it is no guess.
            Enabled = true;
            if (string.IsNullOrWhiteSpace(Code))
            {
                Errors["Code"] = EnterTheCode;
                return Page();
            }

            switch (await flow.CheckCodeAsync(HttpContext, account, devices.DeviceFor(HttpContext, account), Code, cancellationToken))
            {
                case CodeStep.Locked locked:
                    Problem = SignInFlow.LockedMessage(locked.Until, locked.ThisDevice);
                    return Page();
                case CodeStep.Wrong:
                    Errors["Code"] = T("Namba si sahihi. Weka namba inayoonekana sasa kwenye programu yako.", "The code is wrong. Enter the code your app shows now.");
                    return Page();
            }

            await events.ApplyAsync(new AccountSecurityChange(account.Id, SecurityChange.SecondFactor, KeepSessionId: PortalSession.SessionId(User)),
                (connection, transaction, token) => AuthenticatorApp.DisableAsync(connection, transaction, account.Id, token), cancellationToken);
        }

        return LocalRedirect("/account/authenticator");
    }

    private bool SignedInRecently() => RecentSignIn.Holds(User, clock.GetUtcNow());

    private LocalRedirectResult SignInAgain() => LocalRedirect(RecentSignIn.SignInAgain("/account/authenticator"));

    private void Offer(Accounts.Account account, (string Base32, string Sealed) secret)
    {
        Sealed = secret.Sealed;
        SecretForPeople = string.Join(' ', secret.Base32.Chunk(4).Select(c => new string(c)));
        var enrolment = AuthenticatorApp.Enrolment(secret.Base32, account.Nin.Masked);
        QrDataUri = enrolment.QrDataUri;
        OtpAuthUri = enrolment.Uri;
    }

    private async Task<Accounts.Account?> CurrentAsync(CancellationToken cancellationToken) =>
        PortalSession.AccountId(User) is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
}
