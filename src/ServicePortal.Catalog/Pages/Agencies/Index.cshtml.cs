using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Pages.Agencies;

/// <summary>Every approved institution that has published services.</summary>
internal sealed class IndexModel(CatalogReader reader) : PageModel
{
    public IReadOnlyList<AgencySummary> Agencies { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Agencies = await reader.ListAgenciesAsync(cancellationToken);
}
