using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Identity.Registration;
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

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var registration = await CurrentAsync(cancellationToken);
        if (registration?.NextPage != ThisPage)
        {
            return Elsewhere(registration);
        }

        Question = T(registration.QuestionSw, registration.QuestionEn);
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
        AddErrors(new Validator().Validate(this));
        if (HasErrors)
        {
            return Page();
        }

        switch (await flow.AnswerAsync(registration, Answer!, Lang.Current, ClientNetwork.Of(HttpContext.Connection.RemoteIpAddress),
                    cancellationToken))
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

    private Task<PendingRegistration?> CurrentAsync(CancellationToken cancellationToken) =>
        flow.CurrentAsync(HttpContext, cancellationToken);

    private RedirectToPageResult Elsewhere(PendingRegistration? registration) =>
        RedirectToPage(registration?.NextPage ?? "/Account/Register", new { returnUrl = SafeReturnUrl() });

    private sealed class Validator : AbstractValidator<RegisterQuestionModel>
    {
        public Validator() => RuleFor(m => m.Answer).NotEmpty().WithMessage(_ => T("Andika jibu lako.", "Write your answer."))
            .MaximumLength(100).WithMessage(_ => T("Jibu ni refu mno.", "The answer is too long."));
    }
}
