using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Catalog.Onboarding;

namespace ServicePortal.Catalog.Pages.Admin;

internal sealed class EndpointModel(AgencyProposals proposals, IValidator<DecisionReason> reasons, ReviewHistory history)
    : ReviewModel(proposals, reasons, history)
{
    [BindProperty(SupportsGet = true)]
    public string Agency { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    protected override string Kind => AgencyProposals.EndpointKind;
    protected override string? AgencyCode => Agency;
    public override string Key => Name;
}
