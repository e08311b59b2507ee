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

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration?.NextPage != ThisPage)
        {
            return Elsewhere(registration);
        }

        Describe(registration);
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

        Describe(registration);
        var issue = await flow.ResendCodeAsync(registration, Lang.Current, cancellationToken);
        if (issue.PhoneLimitReached)
        {
            Problem = flow.TooManyCodes(issue);
        }
        else
        {
            Notice = SignInFlow.ResendNotice(issue);
        }

        return Page();
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
