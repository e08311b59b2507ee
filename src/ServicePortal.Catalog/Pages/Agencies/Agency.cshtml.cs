using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Api;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Pages.Agencies;

/// <summary>One institution and its published services.</summary>
internal sealed class AgencyModel(CatalogReader reader) : PageModel
{
    public AgencyDetail? Detail { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        Detail = CatalogApi.AgencyCodePattern().IsMatch(code) ? await reader.FindAgencyAsync(code, cancellationToken) : null;
        return Detail is null ? NotFound() : Page();
    }
}
