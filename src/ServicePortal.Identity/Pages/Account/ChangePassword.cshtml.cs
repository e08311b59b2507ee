using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Session;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// Change of password from the account page (GOV.UK One Login's "change your password"): the current password, then
/// the new one twice, under the rules of registering (<see cref="PasswordPolicy"/>). Needs a sign-in with the password
/// and the second factor in the last five minutes (<see cref="RecentSignIn"/>, as changing the authenticator app
/// does). A wrong current password counts as a wrong sign-in attempt (<see cref="SignInFlow.CheckPasswordAsync"/>),
/// so a borrowed session cannot be used to guess it. The new password gets a new security stamp, which ends every
/// session and token of the account; <see cref="AccountSecurityEvents"/> texts the phone in the same transaction;
/// this browser alone is given a new session (not a sign-in) and sent to the confirmation (PRG).
/// </summary>
[Authorize(AuthenticationSchemes = PortalSession.Scheme, Policy = IdentityModule.SecondFactorPolicy)]
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class ChangePasswordModel(AccountStore accounts, PasswordHashing passwords, SignInFlow flow, AccountSecurityEvents events,
    TimeProvider clock) : FormPageModel
{
    private const string ThisPage = "/account/password";

    [BindProperty] public string? CurrentPassword { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? Confirm { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var account = await CurrentAsync(cancellationToken);
        if (account is null)
        {
            return Challenge(PortalSession.Scheme);
        }

        return RecentSignIn.Holds(User, clock.GetUtcNow()) ? Page() : LocalRedirect(RecentSignIn.SignInAgain(ThisPage));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var account = await CurrentAsync(cancellationToken);
        if (account is null)
        {
            return Challenge(PortalSession.Scheme);
        }

        if (!RecentSignIn.Holds(User, clock.GetUtcNow()))
        {
            return LocalRedirect(RecentSignIn.SignInAgain(ThisPage));
        }

        AddErrors(new Validator().Validate(this));
        if (!Errors.ContainsKey(nameof(Password)) &&
            PasswordPolicy.Check(Password, account.Nin.Digits, account.Phone, account.FirstName, account.MiddleName, account.LastName) is { } policy)
        {
            Errors[nameof(Password)] = policy;
        }

        if (HasErrors)
        {
            return Page();
        }

        switch (await flow.CheckPasswordAsync(HttpContext, account.Nin.Digits, CurrentPassword, cancellationToken))
        {
            case PasswordStep.Locked locked:
                Problem = SignInFlow.LockedMessage(locked.Until, locked.ThisDevice);
                return Page();
            case PasswordStep.NetworkLimited limited:
                Problem = SignInFlow.NetworkLimitedMessage(limited.Until);
                return Page();
            case PasswordStep.Wrong:
                Errors[nameof(CurrentPassword)] = T("Nenosiri la sasa si sahihi.", "The current password is wrong.");
                return Page();
        }

        var hash = passwords.Hash(Password!);
        await events.ApplyAsync(new AccountSecurityChange(account.Id, SecurityChange.Password, KeepSessionId: PortalSession.SessionId(User)),
            (connection, transaction, token) => AccountStore.SetPasswordAsync(connection, transaction, account.Id, hash, token), cancellationToken);

        // The new stamp ended this browser's session too (every session of the stamp ends, by trigger): it gets a new
        // one, with the sign-in it had (how and when), and is trusted under the new stamp. Not a sign-in of its own.
        var changed = (await accounts.FindByIdAsync(account.Id, cancellationToken))!;
        var session = PortalSession.Principal(changed, [.. User.FindAll(PortalSession.AmrClaim).Select(c => c.Value)],
            PortalSession.Acr(User)!, PortalSession.AuthTime(User)!.Value, await accounts.RolesAsync(changed.Id, cancellationToken));
        HttpContext.Items[PortalSession.RenewalKey] = true;
        await HttpContext.SignInAsync(PortalSession.Scheme, session);
        return RedirectToPage("/Account/ChangePasswordDone");
    }

    private async Task<Accounts.Account?> CurrentAsync(CancellationToken cancellationToken) =>
        PortalSession.AccountId(User) is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;

    private sealed class Validator : AbstractValidator<ChangePasswordModel>
    {
        public Validator()
        {
            RuleFor(m => m.CurrentPassword).NotEmpty()
                .WithMessage(_ => T("Andika nenosiri lako la sasa.", "Enter your current password."));
            RuleFor(m => m.Password).NotEmpty()
                .WithMessage(_ => T("Andika nenosiri jipya.", "Enter a new password."))
                .NotEqual(m => m.CurrentPassword).When(m => !string.IsNullOrEmpty(m.CurrentPassword))
                .WithMessage(_ => T("Nenosiri jipya lazima liwe tofauti na la sasa.", "The new password must be different from the current one."));
            RuleFor(m => m.Confirm).Equal(m => m.Password)
                .WithMessage(_ => T("Maneno mawili ya siri hayalingani.", "The two passwords do not match."));
        }
    }
}
