using FluentValidation;
using FluentValidation.Results;

namespace ServicePortal.Catalog.Onboarding;

/// <summary>
/// Why an agency stops one of its live entries (<c>POST /api/agency/services/{code}/retire</c>,
/// <c>POST /api/agency/endpoints/{name}/disable</c>). The reason goes into the entry's history, which the
/// administrator reads; it is required because a stopped service is something people will ask about.
/// </summary>
public sealed record StopRequest(string? Reason);

public sealed class StopRequestValidator : AbstractValidator<StopRequest>
{
    public const int MaxReasonLength = 2000;

    public StopRequestValidator()
    {
        RuleFor(x => x).Custom((request, context) =>
        {
            var reason = request.Reason;
            if (string.IsNullOrWhiteSpace(reason))
            {
                context.AddFailure(new ValidationFailure("reason", OnboardingRules.Both(
                    "Andika sababu ya kusitisha.", "Write why it is being stopped.")));
            }
            else if (reason.Trim().Length > MaxReasonLength)
            {
                context.AddFailure(new ValidationFailure("reason", OnboardingRules.Both(
                    $"Sababu isizidi herufi {MaxReasonLength}.", $"The reason must be at most {MaxReasonLength} characters long.")));
            }
            else if (OnboardingRules.HasControl(reason, multiline: true))
            {
                context.AddFailure(new ValidationFailure("reason", OnboardingRules.Both(
                    "Ina herufi za udhibiti zisizoruhusiwa.", "It contains control characters that are not allowed.")));
            }
        });
    }
}
