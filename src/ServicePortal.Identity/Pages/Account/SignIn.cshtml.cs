using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Session;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// Step one of signing in: NIN and password. Step two is <see cref="SignInCodeModel"/>, except for an
/// authorization request whose client asked for the password level only: that request alone gets a grant
/// (<see cref="PasswordGrants"/>).
/// </summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class SignInModel(SignInFlow flow, AccountStore accounts, PasswordGrants grants, TimeProvider clock) : FormPageModel
{
    [BindProperty]
    public string? Nin { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary><c>low</c> when a relying party asked only for the password level (<c>acr_values</c>).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Level { get; set; }

    /// <summary>The NIN is locked for browsers new to it: offer to unlock this one by an SMS code (<see cref="SignInUnlockModel"/>).</summary>
    public bool OfferUnlock { get; private set; }

    /// <summary>Back from unlocking this browser.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Unlocked { get; set; }

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

        var step = await flow.CheckPasswordAsync(HttpContext, Nin, Password, cancellationToken);
        switch (step)
        {
            case PasswordStep.NetworkLimited limited:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((limited.Until - clock.GetUtcNow()).TotalSeconds))
                    .ToString(CultureInfo.InvariantCulture);
                Problem = SignInFlow.NetworkLimitedMessage(limited.Until);
                return Page();
            case PasswordStep.Locked locked:
                Problem = SignInFlow.LockedMessage(locked.Until, locked.ThisDevice);
                OfferUnlock = !locked.ThisDevice;
                return Page();
            case not PasswordStep.Right:
                Problem = SignInFlow.WrongCredentials;
                return Page();
        }

        var (account, device) = (PasswordStep.Right)step;

        var roles = await accounts.RolesAsync(account.Id, cancellationToken);
        if (Level == "low" && roles.Count == 0 && PasswordGrants.PasswordLevelRequest(SafeReturnUrl()) is { } request)
        {
            // The service asked for the password level only (staff always give the second factor): a grant for
            // that one authorization request, not a session. The count of wrong attempts is not reset: only a
            // complete sign-in does that.
            await grants.IssueAsync(HttpContext, account, request, device, cancellationToken);
            return RedirectToReturnUrl();
        }

        var pending = PortalSession.Principal(account, ["pwd"], Assurance.Low, clock.GetUtcNow(),
            roles, PortalSession.PendingScheme);
        SignInFlow.SetDevice(pending, device);
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
