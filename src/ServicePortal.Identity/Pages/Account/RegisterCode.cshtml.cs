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

[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class RegisterCodeModel(RegistrationFlow flow, Microsoft.Extensions.Options.IOptions<IdentityOptions> options) : FormPageModel
{
    [BindProperty]
    public string? Code { get; set; }

    public string MaskedPhone { get; private set; } = "";

    public string? Notice { get; private set; }

    /// <summary>How long a code lives, as configured (said on the page).</summary>
    public int CodeMinutes => (int)options.Value.CodeLifetime.TotalMinutes;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration is not { RegistryVerified: true, PhoneVerified: false })
        {
            return Elsewhere(registration);
        }

        MaskedPhone = PhoneNumber.Mask(registration.Phone);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration is not { RegistryVerified: true, PhoneVerified: false })
        {
            return Elsewhere(registration);
        }

        MaskedPhone = PhoneNumber.Mask(registration.Phone);
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

        return RedirectToPage("/Account/RegisterPassword", new { returnUrl = SafeReturnUrl() });
    }

    public async Task<IActionResult> OnPostResendAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration is not { RegistryVerified: true, PhoneVerified: false })
        {
            return Elsewhere(registration);
        }

        MaskedPhone = PhoneNumber.Mask(registration.Phone);
        var issue = await flow.ResendCodeAsync(registration, Lang.Current, cancellationToken);
        Notice = SignInFlow.ResendNotice(issue);
        return Page();
    }

    private Task<PendingRegistration?> CurrentAsync(CancellationToken cancellationToken) =>
        flow.CurrentAsync(HttpContext, cancellationToken);

    private IActionResult Elsewhere(PendingRegistration? registration) => registration switch
    {
        { PhoneVerified: true } => RedirectToPage("/Account/RegisterPassword", new { returnUrl = SafeReturnUrl() }),
        { RegistryVerified: false } => RedirectToPage("/Account/RegisterQuestion", new { returnUrl = SafeReturnUrl() }),
        _ => RedirectToPage("/Account/Register", new { returnUrl = SafeReturnUrl() }),
    };

    private sealed class Validator : AbstractValidator<RegisterCodeModel>
    {
        public Validator() =>
            RuleFor(m => m.Code).NotEmpty().WithMessage(_ => T("Weka namba uliyotumiwa kwa SMS.", "Enter the code we sent by SMS."))
                .Matches(@"^\s*\d{3}\s?\d{3}\s*$").WithMessage(_ => T("Namba ina tarakimu 6.", "The code has 6 digits."));
    }
}
