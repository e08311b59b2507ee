using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Api;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Pages.Services;

/// <summary>One service: what it is, who may use it, what to bring, cost, time, who provides it, how to apply.</summary>
internal sealed class ServiceModel(CatalogReader reader) : PageModel
{
    public ServiceDetail? Service { get; private set; }

    /// <summary>The providing agency (its office: address, hours, phone), for services given at the office.</summary>
    public AgencySummary? Agency { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        Service = CatalogApi.ServiceCodePattern().IsMatch(code)
            ? await reader.FindServiceAsync(code, cancellationToken)
            : null;
        if (Service is null)
        {
            return NotFound();
        }

        Agency = (await reader.FindAgencyAsync(Service.Agency.Code, cancellationToken))?.Agency;
        return Page();
    }
}
