using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Forms;
using ServicePortal.Core.Identity;
using ServicePortal.Requests.Applications;
using ServicePortal.Requests.Officers;
using ServicePortal.Requests.Pages.Applications;

namespace ServicePortal.Requests.Pages.Agency;

/// <summary>
/// One application of the officer's agency: its status and clock, what the citizen sent and the timeline. Opening it
/// is recorded in the access log (action <c>request</c>, the reference) in the same transaction as the read, so the
/// citizen sees it on "who viewed my data". Another agency's reference is not found (404), as one that does not exist.
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy)]
[Authorize(Policy = OfficerAccess.Policy)]
internal sealed class RequestModel(AgencyApplications applications, CatalogReader catalog, ApplicationValidator forms, TimeProvider clock)
    : PageModel
{
    public AgencyApplicationDetail Detail { get; private set; } = null!;

    public ServiceDetail? Service { get; private set; }

    public ApplicationForm? Form { get; private set; }

    public JsonObject Answers { get; private set; } = [];

    public DateTime Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(string reference, CancellationToken cancellationToken)
    {
        var agencies = OfficerAccess.AgenciesOf(User);
        if (!Guid.TryParse(User.FindFirst(PortalClaims.AccountId)?.Value, out var staff))
        {
            return Forbid();
        }

        if (await applications.OpenAsync([.. agencies.Keys], reference, staff, agency => agencies[agency], cancellationToken) is not { } detail)
        {
            return NotFound();
        }

        Now = clock.GetUtcNow().UtcDateTime;
        Detail = detail;
        Service = await catalog.FindServiceAsync(detail.Application.ServiceCode, cancellationToken);
        Form = Service is null ? null : forms.FormOf(Service);
        Answers = DetailModel.ParseObject(detail.Answers) ?? [];
        return Page();
    }
}
