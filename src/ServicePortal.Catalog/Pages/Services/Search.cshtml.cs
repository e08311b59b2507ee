using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Search;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Pages.Services;

/// <summary>
/// Search results (<c>/huduma?q=...</c>): a plain GET form, so it works without script and a result page
/// can be bookmarked or shared. Mistakes in the address are shown next to the box with status 400. Limited per
/// client network with the API's searches (<see cref="SearchLimit"/>). A page number a person typed or kept from an
/// older search is not a mistake worth a message: <c>?page=abc</c> (or 0) goes to the first page and a page past the
/// end to the last one, by a redirect, so the address bar says which page is shown. (The API still answers 400.)
/// </summary>
[EnableRateLimiting(SearchLimit.PolicyName)]
internal sealed class SearchModel(IValidator<SearchInput> validator, ServiceSearch search, CatalogReader reader) : PageModel
{
    public SearchInput Input { get; private set; } = new();
    public SearchPage? Results { get; private set; }
    public IReadOnlyList<string> Errors { get; private set; } = [];
    public IReadOnlyList<ActiveFilter> Filters { get; private set; } = [];
    public IReadOnlyList<(string Key, string Value)> KeptFilters { get; private set; } = [];

    public string Heading => Input.Q is { Length: > 0 } q && Errors.Count == 0
        ? T($"Matokeo ya “{q}”", $"Results for “{q}”")
        : T("Tafuta huduma", "Search for a service");

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // ?lang= here is the language switch of the page, not a parameter of the search.
        Input = SearchInput.FromQuery(Request.Query) with { Lang = null };
        if (SearchInput.Blank(Input.Page) is { } asked && UsablePage(asked, Input.PageSize) is var usable && usable.ToString(CultureInfo.InvariantCulture) != asked)
        {
            return Redirect(PageHref(usable));
        }

        var validation = await validator.ValidateAsync(Input, cancellationToken);
        if (!validation.IsValid)
        {
            Errors = [.. validation.Errors.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal)];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var query = Input.ToQuery() with { Language = Current };
        Results = await search.SearchAsync(query, cancellationToken);
        if (Results.Items.Count == 0 && query.Page > 1 && Results.Total > 0)
        {
            // Past the end (the catalogue shrank, or the number was typed): the last page that has results.
            return Redirect(PageHref((int)Math.Min((Results.Total + (long)query.PageSize - 1) / query.PageSize,
                SearchQuery.MaxResultWindow / query.PageSize)));
        }

        Filters = await DescribeFiltersAsync(query, cancellationToken);
        KeptFilters = [.. new[] { ("category", query.Category), ("lifeEvent", query.LifeEvent), ("agency", query.Agency) }
            .Where(f => f.Item2 is not null).Select(f => (f.Item1, f.Item2!))];
        return Page();
    }

    /// <summary>
    /// The page to show for a page number as typed: itself when it is a whole number within the result window, the
    /// last page of the window when it is beyond it, and the first page for anything else (letters, 0, a sign).
    /// </summary>
    internal static int UsablePage(string asked, string? pageSize)
    {
        var size = SearchInput.Blank(pageSize) is { Length: <= 2 } text &&
                   int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is >= 1 and <= SearchQuery.MaxPageSize
            ? s
            : SearchQuery.DefaultPageSize;
        var last = SearchQuery.MaxResultWindow / size;
        if (asked.Length > 0 && asked.All(char.IsAsciiDigit))
        {
            var digits = asked.TrimStart('0');
            if (digits.Length == 0)
            {
                return 1;
            }

            return digits.Length > 9 ? last : Math.Min(int.Parse(digits, CultureInfo.InvariantCulture), last);
        }

        return 1;
    }

    public string PageHref(int page)
    {
        var q = SearchInput.Blank(Input.Q);
        return CatalogText.SearchHref(q, SearchInput.Blank(Input.Category), SearchInput.Blank(Input.LifeEvent),
            SearchInput.Blank(Input.Agency), page, SearchInput.Blank(Input.PageSize));
    }

    private async Task<IReadOnlyList<ActiveFilter>> DescribeFiltersAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        var filters = new List<ActiveFilter>();
        if (query.Category is { } category)
        {
            var name = (await reader.ListCategoriesAsync(cancellationToken)).First(c => c.Code == category).Name;
            filters.Add(new ActiveFilter(name.Current, CatalogText.SearchHref(Input.Q, null, query.LifeEvent, query.Agency)));
        }

        if (query.LifeEvent is { } lifeEvent)
        {
            var name = (await reader.ListLifeEventsAsync(cancellationToken)).First(e => e.Code == lifeEvent).Name;
            filters.Add(new ActiveFilter(name.Current, CatalogText.SearchHref(Input.Q, query.Category, null, query.Agency)));
        }

        if (query.Agency is { } agency)
        {
            var name = (await reader.ListAgenciesAsync(cancellationToken)).First(a => a.Code == agency).Name;
            filters.Add(new ActiveFilter(name.Current, CatalogText.SearchHref(Input.Q, query.Category, query.LifeEvent, null)));
        }

        return filters;
    }

    public sealed record ActiveFilter(string Label, string RemoveHref);
}
