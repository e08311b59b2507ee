using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Changes;
using ServicePortal.Core.Staff;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>Every agency with its status (waiting ones first, then suspended ones), optionally of one status.</summary>
[Authorize(Policy = CatalogAdministration.StaffPolicy)]
[Authorize(Policy = CatalogAdministration.AdministratorPolicy)]
internal sealed class AgenciesModel(AgencyChanges agencies) : PageModel
{
    public static readonly IReadOnlyList<string> Statuses = ["awaiting_approval", "suspended", "approved", "draft"];

    public const int PageSize = 25;

    public IReadOnlyList<AgencyRecord> Agencies { get; private set; } = [];

    /// <summary>Words to find an agency by (code, short name or either name); null for all.</summary>
    public string? Query { get; private set; }
    public ListPage Paging { get; private set; } = ListPage.Of(null, PageSize, 0);
    public int PageNumber => Paging.Number;
    public int Total => Paging.Total;
    public int LastPage => Paging.Last;

    /// <summary>The status shown, or null for all. An unknown value shows all (it is only a filter).</summary>
    public string? Status { get; private set; }

    // Hundreds of agencies at most (600 planned): filtered and paged here, one query. A page number that is not one
    // (letters, 0, past the end) shows the nearest page rather than an error.
    public async Task<IActionResult> OnGetAsync(string? status, string? q, [FromQuery(Name = "page")] string? pageNumber,
        CancellationToken cancellationToken)
    {
        Status = status is not null && Statuses.Contains(status) ? status : null;
        Query = ListPage.Query(q);
        var all = await agencies.ListAsync(Status, cancellationToken);
        var found = Query is null
            ? all
            : [.. all.Where(a => new[] { a.Code, a.ShortName, a.NameSw, a.NameEn }
                .Any(text => text.Contains(Query, StringComparison.OrdinalIgnoreCase)))];
        Paging = ListPage.Of(pageNumber, PageSize, found.Count);
        Agencies = [.. found.Skip(Paging.Skip).Take(PageSize)];
        return Page();
    }

    public string PageHref(int page)
    {
        var query = new Microsoft.AspNetCore.Http.Extensions.QueryBuilder();
        if (Status is not null)
        {
            query.Add("status", Status);
        }

        if (Query is not null)
        {
            query.Add("q", Query);
        }

        if (page > 1)
        {
            query.Add("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return "/admin/catalog/agencies" + query.ToQueryString();
    }

    public static string Href(string code) => $"/admin/catalog/agencies/{Uri.EscapeDataString(code)}";
}
