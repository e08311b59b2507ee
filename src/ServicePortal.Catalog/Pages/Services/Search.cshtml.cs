using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Search;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Pages.Services;

/// <summary>
/// Search results (<c>/huduma?q=...</c>): a plain GET form, so it works without script and a result page
/// can be bookmarked or shared. Mistakes in the address are shown next to the box with status 400. Limited per
/// client network with the API's searches (<see cref="SearchLimit"/>).
/// </summary>
[EnableRateLimiting(SearchLimit.PolicyName)]
public sealed class SearchModel(IValidator<SearchInput> validator, ServiceSearch search, CatalogReader reader) : PageModel
{
    public SearchInput Input { get; private set; } = new();
    public SearchPage? Results { get; private set; }
    public IReadOnlyList<string> Errors { get; private set; } = [];
    public IReadOnlyList<ActiveFilter> Filters { get; private set; } = [];
    public IReadOnlyList<(string Key, string Value)> KeptFilters { get; private set; } = [];

    public string Heading => Input.Q is { Length: > 0 } q && Errors.Count == 0
        ? T($"Matokeo ya “{q}”", $"Results for “{q}”")
        : T("Tafuta huduma", "Search for a service");

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // ?lang= here is the language switch of the page, not a parameter of the search.
        Input = SearchInput.FromQuery(Request.Query) with { Lang = null };
        var validation = await validator.ValidateAsync(Input, cancellationToken).ConfigureAwait(false);
        if (!validation.IsValid)
        {
            Errors = [.. validation.Errors.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal)];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var query = Input.ToQuery() with { Language = Current };
        Results = await search.SearchAsync(query, cancellationToken).ConfigureAwait(false);
        Filters = await DescribeFiltersAsync(query, cancellationToken).ConfigureAwait(false);
        KeptFilters = [.. new[] { ("category", query.Category), ("lifeEvent", query.LifeEvent), ("agency", query.Agency) }
            .Where(f => f.Item2 is not null).Select(f => (f.Item1, f.Item2!))];
    }

    public string PageHref(int page)
    {
        var q = SearchInput.Blank(Input.Q);
        return CatalogText.SearchHref(q, SearchInput.Blank(Input.Category), SearchInput.Blank(Input.LifeEvent),
            SearchInput.Blank(Input.Agency), page);
    }

    private async Task<IReadOnlyList<ActiveFilter>> DescribeFiltersAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        var filters = new List<ActiveFilter>();
        if (query.Category is { } category)
        {
            var name = (await reader.CategoriesAsync(cancellationToken).ConfigureAwait(false)).First(c => c.Code == category).Name;
            filters.Add(new ActiveFilter(name.Current, CatalogText.SearchHref(Input.Q, null, query.LifeEvent, query.Agency)));
        }

        if (query.LifeEvent is { } lifeEvent)
        {
            var name = (await reader.LifeEventsAsync(cancellationToken).ConfigureAwait(false)).First(e => e.Code == lifeEvent).Name;
            filters.Add(new ActiveFilter(name.Current, CatalogText.SearchHref(Input.Q, query.Category, null, query.Agency)));
        }

        if (query.Agency is { } agency)
        {
            var name = (await reader.AgenciesAsync(cancellationToken).ConfigureAwait(false)).First(a => a.Code == agency).Name;
            filters.Add(new ActiveFilter(name.Current, CatalogText.SearchHref(Input.Q, query.Category, query.LifeEvent, null)));
        }

        return filters;
    }

    public sealed record ActiveFilter(string Label, string RemoveHref);
}
