using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Browse;
using ServicePortal.Core.Identity;
using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Pages.Applications;

/// <summary>One application: where it is, what the agency said, what to do next, and its timeline.</summary>
[Authorize]
public sealed class DetailModel(RequestStore store, CatalogReader catalog, IIdentityAssertions identity, TimeProvider clock) : PageModel
{
    /// <summary>The service's catalogue entry, for its name and its agency's (null if it has left the catalogue).</summary>
    public ServiceDetail? Service { get; private set; }

    public RequestView Application { get; private set; } = null!;

    public IReadOnlyList<TimelineEvent> Timeline { get; private set; } = [];

    public bool JustSent { get; private set; }

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<IActionResult> OnGetAsync(string reference, CancellationToken cancellationToken)
    {
        if (await identity.AuthenticateAsync(HttpContext, Api.CitizenRequestsApi.Scope).ConfigureAwait(false) is not { } citizen)
        {
            return Challenge();
        }

        // Another citizen's reference is "not found", exactly as a reference that does not exist.
        if (!PortalReference.TryParse(reference, out var parsed) ||
            await store.FindAsync(citizen.AccountId, parsed.Value.Value, cancellationToken).ConfigureAwait(false) is not { } request)
        {
            return NotFound();
        }

        Application = request;
        JustSent = HttpContext.Request.Query.ContainsKey("sent");
        Timeline = await store.TimelineAsync(request.Id, cancellationToken).ConfigureAwait(false);
        Service = await catalog.ServiceAsync(request.ServiceCode, cancellationToken).ConfigureAwait(false);
        return Page();
    }
}
