using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.OneTimeCodes;
using ServicePortal.Identity.Registration;
using ServicePortal.Identity.Session;
using ServicePortal.Core.Localization;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// The code texted to the chosen number (registering) or to the account's phone (resetting). Someone resetting who
/// no longer has that phone goes to assisted recovery: a reset never moves to another number online.
/// </summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class RegisterCodeModel(RegistrationFlow flow, Microsoft.Extensions.Options.IOptions<IdentityOptions> options) : FormPageModel
{
    private const string ThisPage = "/Account/RegisterCode";

    [BindProperty]
    public string? Code { get; set; }

    public string MaskedPhone { get; private set; } = "";

    public string? Notice { get; private set; }

    public bool IsReset { get; private set; }

    /// <summary>Registering with more than one number registered to the NIN: another may be chosen.</summary>
    public bool MayChooseAnother { get; private set; }

    /// <summary>How long a code lives, as configured (said on the page).</summary>
    public int CodeMinutes => (int)options.Value.CodeLifetime.TotalMinutes;

    /// <param name="resent">After a resend (post, redirect, get): 0 when a new code went out, else the seconds to wait.</param>
    /// <param name="limited">After a resend: the phone has had its codes for the hour (<paramref name="resent"/> is then the wait).</param>
    public async Task<IActionResult> OnGetAsync([FromQuery] int? resent, [FromQuery] bool limited, CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration?.NextPage != ThisPage)
        {
            return Elsewhere(registration);
        }

        Describe(registration);
        if (resent is >= 0 and <= 3600)
        {
            if (limited)
            {
                Problem = flow.TooManyCodes(new CodeIssue(false, TimeSpan.FromSeconds(resent.Value), PhoneLimitReached: true));
            }
            else
            {
                Notice = SignInFlow.ResendNotice(resent.Value);
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration?.NextPage != ThisPage)
        {
            return Elsewhere(registration);
        }

        Describe(registration);
        AddErrors(new Validator().Validate(this));
        if (HasErrors)
        {
            return Page();
        }

        var check = await flow.VerifyPhoneAsync(registration, Code, cancellationToken);
        if (check != CodeCheck.Right)
        {
            Errors["Code"] = SignInFlow.Describe(check);
            return Page();
        }

        return Elsewhere(await CurrentAsync(cancellationToken));
    }

    public async Task<IActionResult> OnPostResendAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration?.NextPage != ThisPage)
        {
            return Elsewhere(registration);
        }

        // Post, redirect, get: the page is left at its own address (the code form posts there), and Back never
        // asks to send the form again.
        var issue = await flow.ResendCodeAsync(registration, Lang.Current, cancellationToken);
        var wait = issue.Sent ? 0 : Math.Max(1, (int)Math.Ceiling(issue.RetryAfter.TotalSeconds));
        return RedirectToPage(ThisPage, issue.PhoneLimitReached
            ? new { returnUrl = SafeReturnUrl(), resent = wait, limited = true }
            : (object)new { returnUrl = SafeReturnUrl(), resent = wait });
    }

    /// <summary>Resetting, without the account's phone: the reset ends here and assisted recovery is the way.</summary>
    public async Task<IActionResult> OnPostLostAsync(CancellationToken cancellationToken)
    {
        if (await CurrentAsync(cancellationToken) is { } registration)
        {
            await flow.EndAsync(registration, cancellationToken);
        }

        RegistrationCookie.Clear(HttpContext);
        return RedirectToPage("/Account/RegisterAssistedRecovery");
    }

    private void Describe(PendingRegistration registration)
    {
        MaskedPhone = PhoneNumber.Mask(registration.Phone!);
        IsReset = registration.Purpose == RegistrationFlow.ResetPassword;
        MayChooseAnother = !IsReset && registration.RegistryPhones.Count > 1;
    }

    private Task<PendingRegistration?> CurrentAsync(CancellationToken cancellationToken) =>
        flow.CurrentAsync(HttpContext, cancellationToken);

    private RedirectToPageResult Elsewhere(PendingRegistration? registration) =>
        RedirectToPage(registration?.NextPage ?? "/Account/Register", new { returnUrl = SafeReturnUrl() });

    private sealed class Validator : AbstractValidator<RegisterCodeModel>
    {
        public Validator() =>
            RuleFor(m => m.Code).NotEmpty().WithMessage(_ => T("Weka namba uliyotumiwa kwa SMS.", "Enter the code we sent by SMS."))
                .Matches(@"^\s*\d{3}\s?\d{3}\s*$").WithMessage(_ => T("Namba ina tarakimu 6.", "The code has 6 digits."));
    }
}
