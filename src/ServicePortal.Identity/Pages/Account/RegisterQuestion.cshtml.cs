using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Identity.Registration;
using ServicePortal.Identity.Registry;
using ServicePortal.Core.Localization;
using ServicePortal.Core.Security;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>The registry's question. A right answer leads to choosing the phone (registering) or to the code (resetting).</summary>
[EnableRateLimiting(IdentityModule.AttemptsPolicy)]
public sealed class RegisterQuestionModel(RegistrationFlow flow, TimeProvider clock) : FormPageModel
{
    private const string ThisPage = "/Account/RegisterQuestion";

    [BindProperty]
    public string? Answer { get; set; }

    public string Question { get; private set; } = "";

    /// <summary>Whether the answer is a region, chosen from the list of Tanzania's regions.</summary>
    public bool AsksRegion { get; private set; }

    /// <summary>The one number of tries left the page shows (<see cref="RegistrationFlow.AnswersLeftAsync"/>).</summary>
    public int? AnswersLeft { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration?.NextPage != ThisPage)
        {
            return Elsewhere(registration);
        }

        await ShowAsync(registration, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration?.NextPage != ThisPage)
        {
            return Elsewhere(registration);
        }

        Question = T(registration.QuestionSw, registration.QuestionEn);
        AsksRegion = registration.AsksRegion;
        AddErrors(new Validator().Validate(this));
        if (AsksRegion && !HasErrors && !TanzaniaRegions.Contains(Answer))
        {
            // Not a region at all: said on the page, and the registry is not asked (no try is spent).
            Errors["Answer"] = T("Chagua mkoa kutoka kwenye orodha.", "Choose a region from the list.");
        }

        if (HasErrors)
        {
            await ShowAsync(registration, cancellationToken);
            return Page();
        }

        var result = await flow.AnswerAsync(registration, Answer!, Lang.Current, ClientNetwork.Of(HttpContext.Connection.RemoteIpAddress),
            cancellationToken);
        if (result is StepResult.NetworkLimited or StepResult.Failed)
        {
            // Read again: a wrong answer changed the registry's count and the NIN's.
            await ShowAsync(await CurrentAsync(cancellationToken) ?? registration, cancellationToken);
        }

        switch (result)
        {
            case StepResult.NetworkLimited limited:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((limited.Until - clock.GetUtcNow()).TotalSeconds))
                    .ToString(CultureInfo.InvariantCulture);
                Problem = RegistrationFlow.NetworkLimitedMessage(limited.Until);
                return Page();
            case StepResult.Failed failed:
                Errors["Answer"] = failed.Message;
                return Page();
            case StepResult.Ended ended:
                RegistrationCookie.Clear(HttpContext);
                Problem = ended.Message;
                return Page();
            case StepResult.Assisted:
                RegistrationCookie.Clear(HttpContext);
                return RedirectToPage("/Account/RegisterAssistedRecovery");
            case StepResult.ChoosePhone:
                return RedirectToPage("/Account/RegisterPhone", new { returnUrl = SafeReturnUrl() });
            default:
                return RedirectToPage("/Account/RegisterCode", new { returnUrl = SafeReturnUrl() });
        }
    }

    private async Task ShowAsync(PendingRegistration registration, CancellationToken cancellationToken)
    {
        Question = T(registration.QuestionSw, registration.QuestionEn);
        AsksRegion = registration.AsksRegion;
        AnswersLeft = await flow.AnswersLeftAsync(registration, cancellationToken);
    }

    private Task<PendingRegistration?> CurrentAsync(CancellationToken cancellationToken) =>
        flow.CurrentAsync(HttpContext, cancellationToken);

    private RedirectToPageResult Elsewhere(PendingRegistration? registration) =>
        RedirectToPage(registration?.NextPage ?? "/Account/Register", new { returnUrl = SafeReturnUrl() });

    private sealed class Validator : AbstractValidator<RegisterQuestionModel>
    {
        public Validator() => RuleFor(m => m.Answer).NotEmpty().WithMessage(m => m.AsksRegion
                ? T("Chagua mkoa ulikozaliwa.", "Choose the region where you were born.")
                : T("Andika jibu lako.", "Write your answer."))
            .MaximumLength(100).WithMessage(_ => T("Jibu ni refu mno.", "The answer is too long."));
    }
}
