using FluentValidation;
using FluentValidation.Results;

namespace ServicePortal.Catalog.Onboarding;

/// <summary>
/// Why an agency stops one of its live entries (<c>POST /api/agency/services/{code}/retire</c>,
/// <c>POST /api/agency/endpoints/{name}/disable</c>). The reason goes into the entry's history, which the
/// administrator reads; it is required because a stopped service is something people will ask about.
/// </summary>
public sealed record StopRequest(string? Reason);

/// <summary>The reason rule (<see cref="OnboardingRules.ReasonProblem"/>), in both languages as the API speaks.</summary>
public sealed class StopRequestValidator : AbstractValidator<StopRequest>
{
    public StopRequestValidator() => RuleFor(x => x.Reason).Custom((reason, context) =>
    {
        if (OnboardingRules.ReasonProblem(reason) is { } problem)
        {
            context.AddFailure(new ValidationFailure("reason", OnboardingRules.Both(problem.Sw, problem.En)));
        }
    });
}
