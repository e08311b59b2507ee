using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Session;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// Unlocking a browser new to the account while the NIN is locked for such browsers (<see cref="SignInUnlocks"/>):
/// the sign-in page's "send a code" posts here (<c>Send</c>), this page asks for the code texted to the account's
/// phone, and a right one sends the person back to sign in.
/// </summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class SignInUnlockModel(SignInUnlocks unlocks, TimeProvider clock) : FormPageModel
{
    [BindProperty]
    public string? Nin { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public IActionResult OnGet() =>
        unlocks.Pending(HttpContext) is null ? RedirectToPage("/Account/SignIn", new { returnUrl = SafeReturnUrl() }) : Page();

    public async Task<IActionResult> OnPostSendAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (!NationalIdNumber.TryParse(Nin, today, out var nin, out _) ||
            await unlocks.RequestAsync(HttpContext, nin, cancellationToken) is not { } request)
        {
            return RedirectToPage("/Account/SignIn", new { returnUrl = SafeReturnUrl() }); // nothing to unlock
        }

        if (request is UnlockRequest.Refused refused)
        {
            Problem = TooMany(refused.Until);
            return Page();
        }

        return RedirectToPage("/Account/SignInUnlock", new { returnUrl = SafeReturnUrl() });
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (unlocks.Pending(HttpContext) is not { } nin)
        {
            return RedirectToPage("/Account/SignIn", new { returnUrl = SafeReturnUrl() });
        }

        AddErrors(new Validator().Validate(this));
        if (HasErrors)
        {
            return Page();
        }

        switch (await unlocks.CheckAsync(HttpContext, nin, Code, cancellationToken))
        {
            case UnlockCheck.Unlocked:
                return RedirectToPage("/Account/SignIn", new { returnUrl = SafeReturnUrl(), unlocked = 1 });
            case UnlockCheck.Refused refused:
                Problem = TooMany(refused.Until);
                return Page();
            default:
                Errors["Code"] = T("Namba si sahihi, au muda wake umeisha. Angalia SMS, au uombe namba mpya kutoka ukurasa wa kuingia.",
                    "The code is wrong, or has expired. Check the SMS, or ask for a new code from the sign-in page.");
                return Page();
        }
    }

    private static string TooMany(DateTimeOffset until)
    {
        var local = until.ToOffset(TimeSpan.FromHours(3));
        var (time, date) = (local.ToString("HH:mm", CultureInfo.InvariantCulture), local.ToString("d MMMM yyyy", CultureInfo.CurrentCulture));
        return T($"NIN hii imefikia kikomo cha kufungua kwa SMS kwa leo. Jaribu tena baada ya saa {time}, {date} (saa za Afrika Mashariki), au ingia kwenye kifaa ulichotumia kuingia awali.",
            $"This NIN has reached today's limit of unlocking by SMS. Try again after {time} on {date} (East Africa Time), or sign in on a device you have signed in on before.");
    }

    private sealed class Validator : AbstractValidator<SignInUnlockModel>
    {
        public Validator() =>
            RuleFor(m => m.Code).NotEmpty().WithMessage(_ => T("Weka namba uliyotumiwa kwa SMS.", "Enter the code we sent by SMS."))
                .Matches(@"^\s*\d{3}\s?\d{3}\s*$").WithMessage(_ => T("Namba ina tarakimu 6.", "The code has 6 digits."));
    }
}
