using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Localization;
using ServicePortal.Identity.Registration;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// Registering, after the registry's question: the numbers the registry holds for the NIN, masked, to choose the
/// one the code goes to. The form sends a position in that list, never a number, so nothing typed or forged can
/// send the code elsewhere. Choosing again (another number) is allowed until the code is confirmed.
/// </summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class RegisterPhoneModel(RegistrationFlow flow) : FormPageModel
{
    /// <summary>The position of the chosen number in the registry's list (not a number; a text that is not one is refused).</summary>
    [BindProperty]
    public int? Choice { get; set; }

    public IReadOnlyList<string> MaskedPhones { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (!MayChoose(registration))
        {
            return Elsewhere(registration);
        }

        MaskedPhones = Masked(registration!);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (!MayChoose(registration))
        {
            return Elsewhere(registration);
        }

        MaskedPhones = Masked(registration!);
        // A value that is not a whole number does not bind (ModelState has the error) and is treated as no choice.
        var position = ModelState.IsValid ? Choice : null;
        if (await flow.ChoosePhoneAsync(registration!, position, Lang.Current, cancellationToken) is StepResult.Failed failed)
        {
            Errors["Choice"] = failed.Message;
            return Page();
        }

        return RedirectToPage("/Account/RegisterCode", new { returnUrl = SafeReturnUrl() });
    }

    /// <summary>Registering, the question answered, the phone not yet confirmed (a number chosen may be changed).</summary>
    private static bool MayChoose(PendingRegistration? registration) =>
        registration is { Purpose: RegistrationFlow.Register, RegistryVerified: true, PhoneVerified: false };

    private static string[] Masked(PendingRegistration registration) => [.. registration.RegistryPhones.Select(PhoneNumber.Mask)];

    private Task<PendingRegistration?> CurrentAsync(CancellationToken cancellationToken) =>
        flow.CurrentAsync(HttpContext, cancellationToken);

    private RedirectToPageResult Elsewhere(PendingRegistration? registration) =>
        RedirectToPage(registration?.NextPage ?? "/Account/Register", new { returnUrl = SafeReturnUrl() });
}
