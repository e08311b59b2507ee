using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Registration;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// The start of registering (<c>/account/register</c>) and of resetting a forgotten password
/// (<c>/account/forgot-password</c>). Neither asks for a phone: the code goes only to a number the national ID
/// registry holds for the NIN (chosen after its question when registering; the account's own when resetting), so a
/// number typed here could only be someone else's.
/// </summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class RegisterModel(RegistrationFlow flow, TimeProvider clock) : FormPageModel
{
    [BindProperty] public string? Nin { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? Day { get; set; }
    [BindProperty] public string? Month { get; set; }
    [BindProperty] public string? Year { get; set; }

    public bool IsReset => HttpContext.Request.Path.StartsWithSegments("/account/forgot-password");

    /// <summary>
    /// <c>/account/forgot-password</c> is this page too. Links and redirects to the page must still lead to
    /// <c>/account/register</c>: <c>AddPageRoute</c> would make the added route the one links are made for, and
    /// send a person whose registration ended to the password reset.
    /// </summary>
    public static void AddForgotPasswordRoute(PageConventionCollection conventions) =>
        conventions.AddPageRouteModelConvention("/Account/Register", model => model.Selectors.Add(new SelectorModel
        {
            AttributeRouteModel = new AttributeRouteModel { Template = "account/forgot-password", SuppressLinkGeneration = true },
        }));

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        AddErrors(new Validator(today).Validate(this));
        if (HasErrors)
        {
            return Page();
        }

        var nin = NationalIdNumber.Parse(Nin!, today);
        var result = await flow.StartAsync(IsReset ? RegistrationFlow.ResetPassword : RegistrationFlow.Register, nin,
            Clean(FirstName), null, Clean(LastName), DateOfBirth()!.Value, cancellationToken);
        if (result is StartResult.Refused refused)
        {
            Problem = refused.Message;
            return Page();
        }

        RegistrationCookie.Set(HttpContext, ((StartResult.Started)result).Id);
        return RedirectToPage("/Account/RegisterQuestion", new { returnUrl = SafeReturnUrl() });
    }

    private DateOnly? DateOfBirth() =>
        int.TryParse(Day, out var d) && int.TryParse(Month, out var m) && int.TryParse(Year, out var y) &&
        y is >= 1900 and <= 9999 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m)
            ? new DateOnly(y, m, d)
            : null;

    private static string Clean(string? name) => string.Join(' ', (name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private sealed class Validator : AbstractValidator<RegisterModel>
    {
        public Validator(DateOnly today)
        {
            RuleFor(m => m.Nin).MustBeNationalIdNumber(new FixedClock(today));
            RuleFor(m => m.FirstName).Must(BeAName).WithMessage(_ => T("Weka jina lako la kwanza kama lilivyo kwenye kitambulisho.", "Enter your first name as it is on your ID card."));
            RuleFor(m => m.LastName).Must(BeAName).WithMessage(_ => T("Weka jina lako la ukoo kama lilivyo kwenye kitambulisho.", "Enter your last name as it is on your ID card."));
            RuleFor(m => m).Must(m => m.DateOfBirth() is { } born && born <= today).OverridePropertyName("DateOfBirth")
                .WithMessage(_ => T("Weka tarehe halali ya kuzaliwa: siku, mwezi na mwaka.", "Enter a real date of birth: day, month and year."));
            RuleFor(m => m).Must(m => m.DateOfBirth() is not { } born || m.Nin is null || !NationalIdNumber.TryParse(m.Nin, today, out var nin, out _) || nin.DateOfBirth == born)
                .OverridePropertyName("DateOfBirth")
                .WithMessage(_ => T("Tarehe ya kuzaliwa hailingani na tarakimu 8 za kwanza za NIN.", "The date of birth does not match the first 8 digits of the NIN."));
        }

        // Letters (any script), spaces, apostrophes and hyphens: names such as N'gwale or Mwana-Hawa.
        private static bool BeAName(string? name) =>
            !string.IsNullOrWhiteSpace(name) && name.Length <= 100 &&
            name.All(c => char.IsLetter(c) || c is ' ' or '\'' or '-' or '.');
    }

    private sealed class FixedClock(DateOnly today) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    }
}
