using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Registration;
using ServicePortal.Identity.Session;
using ServicePortal.Core.Localization;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// The last step: a password. Registering, the account then exists and the person is signed in (the registry check
/// and the code to a number registered to the NIN count as the second factor). Resetting, the password is replaced,
/// every session and refresh token of the account ends, and nobody is signed in: the person signs in again with the
/// new password and their second factor (as login.gov does), so a reset never yields a session by itself.
/// </summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class RegisterPasswordModel(RegistrationFlow flow, AccountStore accounts, IAccountEvents events, TimeProvider clock) : FormPageModel
{
    private const string ThisPage = "/Account/RegisterPassword";

    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? Confirm { get; set; }

    public bool IsReset { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration?.NextPage != ThisPage)
        {
            return Elsewhere(registration);
        }

        IsReset = registration.Purpose == RegistrationFlow.ResetPassword;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration?.NextPage != ThisPage || !registration.ReadyForPassword)
        {
            return Elsewhere(registration);
        }

        IsReset = registration.Purpose == RegistrationFlow.ResetPassword;
        var policy = PasswordPolicy.Check(Password, registration.Nin.Digits, registration.Phone!, registration.FirstName, registration.LastName);
        if (policy is not null)
        {
            Errors["Password"] = policy;
        }

        AddErrors(new Validator().Validate(this));
        if (HasErrors)
        {
            return Page();
        }

        var result = await flow.CompleteAsync(registration, Password!, Lang.Current, cancellationToken);
        RegistrationCookie.Clear(HttpContext);
        if (result is CompleteResult.Refused refused)
        {
            Problem = refused.Message;
            return Page();
        }

        var accountId = ((CompleteResult.Completed)result).AccountId;
        if (IsReset)
        {
            await events.PasswordChangedAsync(accountId, cancellationToken);
            return RedirectToPage("/Account/RegisterPasswordChanged", new { returnUrl = ReturnUrl is not null && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null });
        }

        var account = (await accounts.FindByIdAsync(accountId, cancellationToken))!;
        var session = PortalSession.Principal(account, ["pwd", "sms", "mfa"], Assurance.Substantial, clock.GetUtcNow(),
            await accounts.RolesAsync(account.Id, cancellationToken));
        await HttpContext.SignInAsync(PortalSession.Scheme, session);
        // The confirmation page, by a redirect (PRG); it leads on to where the person was going.
        return RedirectToPage("/Account/RegisterDone", new { returnUrl = SafeReturnUrl() == "/account" ? null : SafeReturnUrl() });
    }

    private Task<PendingRegistration?> CurrentAsync(CancellationToken cancellationToken) =>
        flow.CurrentAsync(HttpContext, cancellationToken);

    private RedirectToPageResult Elsewhere(PendingRegistration? registration) =>
        RedirectToPage(registration?.NextPage ?? "/Account/Register", new { returnUrl = SafeReturnUrl() });

    private sealed class Validator : AbstractValidator<RegisterPasswordModel>
    {
        public Validator() => RuleFor(m => m.Confirm).Equal(m => m.Password)
            .WithMessage(_ => T("Maneno mawili ya siri hayalingani.", "The two passwords do not match."));
    }
}
