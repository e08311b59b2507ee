using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Pages;

/// <summary>The home page: the search box, life events and categories.</summary>
internal sealed class IndexModel(CatalogReader reader) : PageModel
{
    public IReadOnlyList<NamedRef> LifeEvents { get; private set; } = [];
    public IReadOnlyList<NamedRef> Categories { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        LifeEvents = await reader.ListLifeEventsAsync(cancellationToken);
        Categories = await reader.ListCategoriesAsync(cancellationToken);
    }
}
