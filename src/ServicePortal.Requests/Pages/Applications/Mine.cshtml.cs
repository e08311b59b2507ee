using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Browse;
using ServicePortal.Core.Identity;
using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Pages.Applications;

/// <summary>
/// "Maombi yangu / My applications": the citizen's requests, newest first, filtered by status; each told apart by its
/// service, whom or what it is about and the day it was sent, and those waiting for the citizen marked so.
/// </summary>
[Authorize]
internal sealed class MineModel(RequestStore store, CatalogReader catalog, ApplicationValidator forms, IIdentityAssertions identity, TimeProvider clock)
    : PageModel
{
    public const int PageSize = 20;

    public IReadOnlyList<RequestView> Items { get; private set; } = [];

    public long Total { get; private set; }

    /// <summary>The catalogue entries of the services on this page, by code (one that left the catalogue is missing).</summary>
    public IReadOnlyDictionary<string, ServiceDetail> Services { get; private set; } = new Dictionary<string, ServiceDetail>();

    /// <summary>
    /// What tells each application apart, by reference: the child's or the business's name (the answer the form marks
    /// <c>x-summary</c>, else its first text answer). Missing when there is none.
    /// </summary>
    public IReadOnlyDictionary<string, string> Summaries { get; private set; } = new Dictionary<string, string>();

    [FromQuery(Name = "status")]
    public string? Status { get; set; }

    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await identity.AuthenticateAsync(HttpContext, PortalScopes.Requests) is not { } citizen)
        {
            return Challenge();
        }

        // A filter that is not a status, or a page out of range, shows everything from the start: nothing to explain.
        if (Status is not null && !RequestStatus.All.Contains(Status))
        {
            Status = null;
        }

        PageNumber = Math.Clamp(PageNumber, 1, 10_000);
        (Items, Total) = await store.ListAsync(citizen.AccountId, Status, PageNumber, PageSize, cancellationToken);
        var services = new Dictionary<string, ServiceDetail>(StringComparer.Ordinal);
        foreach (var code in Items.Select(i => i.ServiceCode).Distinct(StringComparer.Ordinal))
        {
            if (await catalog.FindServiceAsync(code, cancellationToken) is { } service)
            {
                services[code] = service;
            }
        }

        Services = services;
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in Items)
        {
            if (services.TryGetValue(item.ServiceCode, out var service) && forms.FormOf(service) is { } form &&
                form.SummaryOf(DetailModel.ParseObject(item.Answers)) is { } summary)
            {
                summaries[item.Reference] = summary;
            }
        }

        Summaries = summaries;
        return Page();
    }
}
