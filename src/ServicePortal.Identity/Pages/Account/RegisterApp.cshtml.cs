using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Identity.Registration;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// Resetting the password of an account with an authenticator app: after the SMS code, the app's code, since a
/// reset needs every factor the account has but the password (a SIM swap alone must not be enough). Someone who
/// lost the app goes to assisted recovery.
/// </summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class RegisterAppModel(RegistrationFlow flow) : FormPageModel
{
    private const string ThisPage = "/Account/RegisterApp";

    [BindProperty]
    public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        return registration?.NextPage == ThisPage ? Page() : Elsewhere(registration);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration?.NextPage != ThisPage)
        {
            return Elsewhere(registration);
        }

        AddErrors(new Validator().Validate(this));
        if (HasErrors)
        {
            return Page();
        }

        switch (await flow.VerifyAppAsync(registration, Code, cancellationToken))
        {
            case StepResult.Failed failed:
                Errors["Code"] = failed.Message;
                return Page();
            case StepResult.Ended ended:
                RegistrationCookie.Clear(HttpContext);
                Problem = ended.Message;
                return Page();
            default:
                return RedirectToPage("/Account/RegisterPassword", new { returnUrl = SafeReturnUrl() });
        }
    }

    /// <summary>Without the app: the reset ends here and assisted recovery is the way.</summary>
    public async Task<IActionResult> OnPostLostAsync(CancellationToken cancellationToken)
    {
        if (await CurrentAsync(cancellationToken) is { } registration)
        {
            await flow.EndAsync(registration, cancellationToken);
        }

        RegistrationCookie.Clear(HttpContext);
        return RedirectToPage("/Account/RegisterAssistedRecovery");
    }

    private Task<PendingRegistration?> CurrentAsync(CancellationToken cancellationToken) =>
        flow.CurrentAsync(HttpContext, cancellationToken);

    private RedirectToPageResult Elsewhere(PendingRegistration? registration) =>
        RedirectToPage(registration?.NextPage ?? "/Account/Register", new { returnUrl = SafeReturnUrl() });

    private sealed class Validator : AbstractValidator<RegisterAppModel>
    {
        public Validator() =>
            RuleFor(m => m.Code).NotEmpty().WithMessage(_ => T("Weka namba kutoka programu yako ya uthibitisho.", "Enter the code from your authenticator app."))
                .Matches(@"^\s*\d{3}\s?\d{3}\s*$").WithMessage(_ => T("Namba ina tarakimu 6.", "The code has 6 digits."));
    }
}
