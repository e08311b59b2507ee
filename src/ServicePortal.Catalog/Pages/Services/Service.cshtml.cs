using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Api;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Pages.Services;

/// <summary>One service: what it is, who may use it, what to bring, cost, time, who provides it, how to apply.</summary>
public sealed class ServiceModel(CatalogReader reader) : PageModel
{
    public ServiceDetail? Service { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        Service = CatalogApi.ServiceCodePattern().IsMatch(code)
            ? await reader.ServiceAsync(code, cancellationToken).ConfigureAwait(false)
            : null;
        return Service is null ? NotFound() : Page();
    }
}
