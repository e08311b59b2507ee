using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Browse;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Localization;
using ServicePortal.Core.Staff;
using ServicePortal.Requests.Applications;
using ServicePortal.Requests.Officers;

namespace ServicePortal.Requests.Pages.Agency;

/// <summary>
/// The agency officer's workspace: their agency's applications (filtered by status, service, submission dates,
/// reference, late only), each with its clock against the service's promised days, the averages of the citizens'
/// ratings, and the answers of their agency the status sync could not use. Paged; lists no citizen's data beyond the
/// reference and the service (opening one is recorded in the access log).
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy)]
[Authorize(Policy = OfficerAccess.Policy)]
internal sealed class RequestsModel(AgencyApplications applications, RatingStore ratings, CatalogReader catalog, TimeProvider clock) : PageModel
{
    public const int PageSize = 25;
    public const int ErrorPageSize = 10;

    public IReadOnlyList<string> Agencies { get; private set; } = [];

    public AgencyApplicationFilter Filter { get; private set; } = AgencyApplicationFilter.None;

    /// <summary>What could not be used in the filter, in the reader's language.</summary>
    public IReadOnlyList<string> FilterProblems { get; private set; } = [];

    public IReadOnlyList<AgencyApplication> Items { get; private set; } = [];

    public ListPage ApplicationPage { get; private set; } = ListPage.Of(null, PageSize, 0);

    public IReadOnlyList<AgencyErrorRow> Errors { get; private set; } = [];

    public ListPage ErrorPage { get; private set; } = ListPage.Of(null, ErrorPageSize, 0);

    public IReadOnlyList<ServiceRating> Ratings { get; private set; } = [];

    /// <summary>The services the filter offers: code and name (the code when the catalogue no longer has it).</summary>
    public IReadOnlyList<(string Code, string Name)> Services { get; private set; } = [];

    public DateTime Now { get; private set; }

    public int DefaultDays => applications.DefaultDays;

    public async Task OnGetAsync(string? status, string? service, string? from, string? to, string? q, string? late,
        [FromQuery(Name = "page")] string? pageNumber, string? errors, CancellationToken cancellationToken)
    {
        Now = clock.GetUtcNow().UtcDateTime;
        var agencies = OfficerAccess.AgenciesOf(User).Keys.ToArray();
        Agencies = agencies;
        var (filter, problems) = AgencyApplicationFilter.Read(status, service, from, to, q, late);
        Filter = filter;
        FilterProblems = [.. problems.Values.Select(p => Lang.T(p.Sw, p.En))];

        var names = (await catalog.ListAllServicesAsync(cancellationToken)).ToDictionary(s => s.Code, s => s.Name.Current, StringComparer.Ordinal);
        Services = [.. (await applications.ListServiceCodesAsync(agencies, cancellationToken))
            .Select(code => (code, names.TryGetValue(code, out var name) ? name : code))];

        (Items, ApplicationPage) = await applications.ListAsync(agencies, filter, pageNumber, PageSize, cancellationToken);
        (Errors, ErrorPage) = await applications.ListErrorsAsync(agencies, errors, ErrorPageSize, cancellationToken);
        Ratings = await ratings.ListAveragesAsync(agencies, cancellationToken);
    }

    public string ServiceName(string code) => Services.FirstOrDefault(s => s.Code == code).Name ?? code;

    /// <summary>The address of another page of one list, keeping the filter and the other list's page.</summary>
    public string Href(int? page = null, int? errorPage = null)
    {
        var query = new QueryBuilder();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Add(name, value);
            }
        }

        Add("status", Filter.Status);
        Add("service", Filter.Service);
        Add("from", Filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", Filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("q", Filter.Query);
        Add("late", Filter.LateOnly ? "1" : null);
        var list = page ?? ApplicationPage.Number;
        Add("page", list > 1 ? list.ToString(CultureInfo.InvariantCulture) : null);
        var answers = errorPage ?? ErrorPage.Number;
        Add("errors", answers > 1 ? answers.ToString(CultureInfo.InvariantCulture) : null);
        return "/agency/requests" + query.ToQueryString();
    }
}
