using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Session;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>Step one of signing in: NIN and password. Step two is <see cref="SignInCodeModel"/>.</summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class SignInModel(SignInFlow flow, AccountStore accounts, TimeProvider clock) : FormPageModel
{
    [BindProperty]
    public string? Nin { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary><c>low</c> when a relying party asked only for the password level (<c>acr_values</c>).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Level { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        AddErrors(new Validator().Validate(this));
        if (HasErrors)
        {
            return Page();
        }

        var step = await flow.CheckPasswordAsync(Nin, Password, cancellationToken);
        if (step is not PasswordStep.Right { Account: var account })
        {
            Problem = step is PasswordStep.Locked locked ? SignInFlow.LockedMessage(locked.Until) : SignInFlow.WrongCredentials;
            return Page();
        }

        var roles = await accounts.RolesAsync(account.Id, cancellationToken);
        if (Level == "low" && roles.Count == 0 && SafeReturnUrl().StartsWith("/connect/authorize", StringComparison.Ordinal))
        {
            // The service asked for the password level only (staff always give the second factor).
            await accounts.RecordSuccessAsync(account.Id, cancellationToken);
            await HttpContext.SignInAsync(PortalSession.Scheme,
                PortalSession.Principal(account, ["pwd"], Assurance.Low, clock.GetUtcNow(), roles));
            return RedirectToReturnUrl();
        }

        var pending = PortalSession.Principal(account, ["pwd"], Assurance.Low, clock.GetUtcNow(),
            roles, PortalSession.PendingScheme);
        await HttpContext.SignInAsync(PortalSession.PendingScheme, pending);
        if (!SignInFlow.UsesAuthenticator(account))
        {
            await flow.SendCodeAsync(account, cancellationToken);
        }

        return RedirectToPage("/Account/SignInCode", new { returnUrl = SafeReturnUrl() });
    }

    private sealed class Validator : AbstractValidator<SignInModel>
    {
        public Validator()
        {
            RuleFor(m => m.Nin).NotEmpty().WithMessage(_ => T("Weka NIN yako.", "Enter your NIN.")).MaximumLength(40)
                .WithMessage(_ => SignInFlow.WrongCredentials);
            RuleFor(m => m.Password).NotEmpty().WithMessage(_ => T("Weka nenosiri lako.", "Enter your password.")).MaximumLength(256)
                .WithMessage(_ => SignInFlow.WrongCredentials);
        }
    }
}
