using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenIddict.Abstractions;
using ServicePortal.Identity.OpenIdConnect;
using ServicePortal.Identity.Session;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Account;

/// <summary>
/// The services a person has allowed (OpenID Connect consents, per client and scopes) and the way to
/// withdraw one: the consent is revoked with every token issued under it.
/// </summary>
[Authorize(AuthenticationSchemes = PortalSession.Scheme)]
public sealed class ServicesModel(
    PairwiseSubjects subjects,
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictApplicationManager applications,
    IOpenIddictTokenManager tokens) : PageModel
{
    public sealed record ConnectedService(string AuthorizationId, string Name, DateTimeOffset Since, IReadOnlyList<string> Scopes);

    public IReadOnlyList<ConnectedService> Connected { get; private set; } = [];

    public string? Notice { get; private set; }

    [BindProperty]
    public string? AuthorizationId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Connected = await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var mine = await LoadAsync(cancellationToken);
        var chosen = mine.FirstOrDefault(s => s.AuthorizationId == AuthorizationId);
        if (chosen is not null && await authorizations.FindByIdAsync(chosen.AuthorizationId, cancellationToken) is { } authorization)
        {
            // Only an authorization of this person's own subjects can be chosen: another id finds nothing above.
            await authorizations.TryRevokeAsync(authorization, cancellationToken);
            await tokens.RevokeByAuthorizationIdAsync(chosen.AuthorizationId, cancellationToken);
            Notice = T($"Umeondoa ruhusa ya {chosen.Name}.", $"You have withdrawn permission from {chosen.Name}.");
        }

        Connected = await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task<IReadOnlyList<ConnectedService>> LoadAsync(CancellationToken cancellationToken)
    {
        var accountId = PortalSession.AccountId(User) ?? throw new InvalidOperationException("Signed in without an account.");
        var culture = CultureInfo.GetCultureInfo(Current);
        var list = new List<ConnectedService>();
        foreach (var subject in await subjects.AllOfAsync(accountId, cancellationToken))
        {
            await foreach (var authorization in authorizations.FindBySubjectAsync(subject, cancellationToken))
            {
                if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken) ||
                    !await authorizations.HasTypeAsync(authorization, AuthorizationTypes.Permanent, cancellationToken) ||
                    await authorizations.GetApplicationIdAsync(authorization, cancellationToken) is not { } applicationId ||
                    await applications.FindByIdAsync(applicationId, cancellationToken) is not { } application)
                {
                    continue;
                }

                var names = await applications.GetDisplayNamesAsync(application, cancellationToken);
                var name = names.TryGetValue(culture, out var localized) ? localized
                    : await applications.GetDisplayNameAsync(application, cancellationToken) ?? applicationId;
                var scopes = (await authorizations.GetScopesAsync(authorization, cancellationToken))
                    .Select(s => OidcClients.ScopeTexts.TryGetValue(s, out var text) ? T(text.Sw, text.En) : s).ToList();
                list.Add(new ConnectedService((await authorizations.GetIdAsync(authorization, cancellationToken))!, name,
                    await authorizations.GetCreationDateAsync(authorization, cancellationToken) ?? DateTimeOffset.UtcNow, scopes));
            }
        }

        return list;
    }
}
