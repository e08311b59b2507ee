using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Catalog.Onboarding;

namespace ServicePortal.Catalog.Pages.Admin;

internal sealed class ServiceModel(AgencyProposals proposals, IValidator<DecisionReason> reasons, ReviewHistory history)
    : ReviewModel(proposals, reasons, history)
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    protected override string Kind => AgencyProposals.ServiceKind;
    protected override string? AgencyCode => null;
    public override string Key => Code;
}
