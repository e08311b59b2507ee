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
/// The last step: a password, then the account exists (or its password is replaced, ending every other
/// session) and the person is signed in. The registry check and the SMS code count as the second factor.
/// </summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class RegisterPasswordModel(RegistrationFlow flow, AccountStore accounts, IAccountEvents events, TimeProvider clock) : FormPageModel
{
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? Confirm { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await CurrentAsync(cancellationToken) is { PhoneVerified: true } ? Page() : RedirectToPage("/Account/Register");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration is not { PhoneVerified: true })
        {
            return RedirectToPage("/Account/Register");
        }

        var policy = PasswordPolicy.Check(Password, registration.Nin.Digits, registration.Phone, registration.FirstName, registration.LastName);
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

        var account = (await accounts.FindByIdAsync(((CompleteResult.Completed)result).AccountId, cancellationToken))!;
        if (registration.Purpose == RegistrationFlow.ResetPassword)
        {
            await events.PasswordChangedAsync(account.Id, cancellationToken);
        }

        var session = PortalSession.Principal(account, ["pwd", "sms", "mfa"], Assurance.Substantial, clock.GetUtcNow(),
            await accounts.RolesAsync(account.Id, cancellationToken));
        await HttpContext.SignInAsync(PortalSession.Scheme, session);
        return RedirectToReturnUrl();
    }

    private Task<PendingRegistration?> CurrentAsync(CancellationToken cancellationToken) =>
        flow.CurrentAsync(HttpContext, cancellationToken);

    private sealed class Validator : AbstractValidator<RegisterPasswordModel>
    {
        public Validator() => RuleFor(m => m.Confirm).Equal(m => m.Password)
            .WithMessage(_ => T("Maneno mawili ya siri hayalingani.", "The two passwords do not match."));
    }
}
