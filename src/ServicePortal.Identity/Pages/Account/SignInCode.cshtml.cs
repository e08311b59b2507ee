using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Session;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>Step two of signing in: the code sent by SMS. Only reachable with a right password just given.</summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class SignInCodeModel(SignInFlow flow, AccountStore accounts, Passkeys.PasskeyService passkeys, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<IdentityOptions> options) : FormPageModel
{
    [BindProperty]
    public string? Code { get; set; }

    /// <summary>The browser's answer to the passkey challenge (JSON, written by <c>passkeys.js</c>).</summary>
    [BindProperty]
    public string? Credential { get; set; }

    /// <summary>The passkey options (JSON) for this pending sign-in, when the account has a passkey.</summary>
    public string? PasskeyOptions { get; private set; }

    public string MaskedPhone { get; private set; } = "";

    public string? Notice { get; private set; }

    /// <summary>How long a code lives, as configured (said on the page).</summary>
    public int CodeMinutes => (int)options.Value.CodeLifetime.TotalMinutes;

    /// <summary>True when the code comes from an authenticator app rather than an SMS.</summary>
    public bool FromApp { get; private set; }

    /// <param name="resent">After a resend (post, redirect, get): 0 when a new code went out, else the seconds to wait.</param>
    public async Task<IActionResult> OnGetAsync([FromQuery] int? resent, CancellationToken cancellationToken)
    {
        var account = await PendingAccountAsync(cancellationToken);
        if (account is null)
        {
            return RedirectToPage("/Account/SignIn", new { returnUrl = SafeReturnUrl() });
        }

        MaskedPhone = PhoneNumber.Mask(account.Phone);
        FromApp = SignInFlow.UsesAuthenticator(account);
        if (!FromApp && resent is >= 0 and <= 600)
        {
            Notice = SignInFlow.ResendNotice(resent.Value);
        }

        PasskeyOptions = await passkeys.SignInOptionsAsync(account.Id, SignInFlow.PendingBinding(await PendingPrincipalAsync()), cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var (account, device) = await PendingAsync(cancellationToken);
        if (account is null)
        {
            return RedirectToPage("/Account/SignIn", new { returnUrl = SafeReturnUrl() });
        }

        MaskedPhone = PhoneNumber.Mask(account.Phone);
        FromApp = SignInFlow.UsesAuthenticator(account);
        AddErrors(new Validator().Validate(this));
        if (HasErrors)
        {
            PasskeyOptions = await passkeys.SignInOptionsAsync(account.Id, SignInFlow.PendingBinding(await PendingPrincipalAsync()), cancellationToken);
            return Page();
        }

        switch (await flow.CheckCodeAsync(HttpContext, account, device, Code, cancellationToken))
        {
            case CodeStep.Locked locked:
                await HttpContext.SignOutAsync(PortalSession.PendingScheme);
                Problem = SignInFlow.LockedMessage(locked.Until, locked.ThisDevice);
                return Page();
            case CodeStep.Wrong wrong:
                Errors["Code"] = FromApp
                    ? T("Namba si sahihi. Weka namba inayoonekana sasa kwenye programu yako.", "The code is wrong. Enter the code your app shows now.")
                    : SignInFlow.Describe(wrong.Reason);
                return Page();
        }

        return await CompleteAsync(account, SignInFlow.SecondFactorMethod(account), cancellationToken);
    }

    /// <summary>The second step with a passkey instead of the code (the form only the passkey script shows and sends).</summary>
    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken cancellationToken)
    {
        var (account, device) = await PendingAsync(cancellationToken);
        if (account is null)
        {
            return RedirectToPage("/Account/SignIn", new { returnUrl = SafeReturnUrl() });
        }

        MaskedPhone = PhoneNumber.Mask(account.Phone);
        FromApp = SignInFlow.UsesAuthenticator(account);
        var binding = SignInFlow.PendingBinding(await PendingPrincipalAsync());
        switch (await flow.CheckPasskeyAsync(account, device, binding, Credential, cancellationToken))
        {
            case CodeStep.Locked locked:
                await HttpContext.SignOutAsync(PortalSession.PendingScheme);
                Problem = SignInFlow.LockedMessage(locked.Until, locked.ThisDevice);
                return Page();
            case CodeStep.Wrong:
                Problem = T("Passkey haikukubaliwa. Jaribu tena, au weka namba ya uthibitisho.",
                    "The passkey was not accepted. Try again, or enter the security code.");
                PasskeyOptions = await passkeys.SignInOptionsAsync(account.Id, binding, cancellationToken);
                return Page();
        }

        return await CompleteAsync(account, SignInFlow.PasskeyMethod, cancellationToken);
    }

    private async Task<IActionResult> CompleteAsync(Accounts.Account account, string method, CancellationToken cancellationToken)
    {
        var session = PortalSession.Principal(account, ["pwd", method, "mfa"], Assurance.Substantial, clock.GetUtcNow(),
            await accounts.RolesAsync(account.Id, cancellationToken));
        await HttpContext.SignOutAsync(PortalSession.PendingScheme);
        await HttpContext.SignInAsync(PortalSession.Scheme, session);
        return RedirectToReturnUrl();
    }

    private async Task<System.Security.Claims.ClaimsPrincipal?> PendingPrincipalAsync() =>
        (await HttpContext.AuthenticateAsync(PortalSession.PendingScheme)).Principal;

    public async Task<IActionResult> OnPostResendAsync(CancellationToken cancellationToken)
    {
        var account = await PendingAccountAsync(cancellationToken);
        if (account is null)
        {
            return RedirectToPage("/Account/SignIn", new { returnUrl = SafeReturnUrl() });
        }

        if (SignInFlow.UsesAuthenticator(account))
        {
            // The account's second factor is its app: a code by SMS would let the SIM stand in for it.
            return RedirectToPage("/Account/SignInCode", new { returnUrl = SafeReturnUrl() });
        }

        // Post, redirect, get: the page is left at its own address (the code form posts there), and Back never
        // asks to send the form again.
        var issue = await flow.SendCodeAsync(account, cancellationToken);
        return RedirectToPage("/Account/SignInCode",
            new { returnUrl = SafeReturnUrl(), resent = issue.Sent ? 0 : Math.Max(1, (int)Math.Ceiling(issue.RetryAfter.TotalSeconds)) });
    }

    private async Task<Accounts.Account?> PendingAccountAsync(CancellationToken cancellationToken) =>
        (await PendingAsync(cancellationToken)).Account;

    /// <summary>The account whose password was just given, and the device it was given on.</summary>
    private async Task<(Accounts.Account? Account, string Device)> PendingAsync(CancellationToken cancellationToken)
    {
        var pending = await HttpContext.AuthenticateAsync(PortalSession.PendingScheme);
        var id = PortalSession.AccountId(pending.Principal);
        var account = id is null ? null : await accounts.FindByIdAsync(id.Value, cancellationToken);
        return account is not null && account.SecurityStamp.ToString() == pending.Principal?.FindFirst(PortalSession.StampClaim)?.Value
            ? (account, SignInFlow.DeviceOf(pending.Principal))
            : (null, SignInLocks.UntrustedDevices);
    }

    private sealed class Validator : AbstractValidator<SignInCodeModel>
    {
        public Validator() =>
            RuleFor(m => m.Code).NotEmpty().WithMessage(_ => T("Weka namba uliyotumiwa kwa SMS.", "Enter the code we sent by SMS."))
                .Matches(@"^\s*\d{3}\s?\d{3}\s*$").WithMessage(_ => T("Namba ina tarakimu 6.", "The code has 6 digits."));
    }
}
