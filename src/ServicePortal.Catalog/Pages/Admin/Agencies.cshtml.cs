using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Changes;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>Every agency with its status (waiting ones first, then suspended ones), optionally of one status.</summary>
[Authorize(Policy = CatalogAdministration.StaffPolicy)]
[Authorize(Policy = CatalogAdministration.AdministratorPolicy)]
public sealed class AgenciesModel(AgencyChanges agencies) : PageModel
{
    public static readonly IReadOnlyList<string> Statuses = ["awaiting_approval", "suspended", "approved", "draft"];

    public IReadOnlyList<AgencyRecord> Agencies { get; private set; } = [];

    /// <summary>The status shown, or null for all. An unknown value shows all (it is only a filter).</summary>
    public string? Status { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? status, CancellationToken cancellationToken)
    {
        Status = status is not null && Statuses.Contains(status) ? status : null;
        Agencies = await agencies.GetManyAsync(Status, cancellationToken).ConfigureAwait(false);
        return Page();
    }

    public static string Href(string code) => $"/admin/catalog/agencies/{Uri.EscapeDataString(code)}";
}
