using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Pages.Agencies;

/// <summary>One institution and its published services.</summary>
public sealed partial class AgencyModel(CatalogReader reader) : PageModel
{
    public AgencyDetail? Detail { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        Detail = AgencyCode().IsMatch(code) ? await reader.AgencyAsync(code, cancellationToken).ConfigureAwait(false) : null;
        return Detail is null ? NotFound() : Page();
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
    private static partial Regex AgencyCode();
}
