using System.Collections.Immutable;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.OpenIdConnect;
using ServicePortal.Identity.Session;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Connect;

/// <summary>
/// The authorization endpoint, after OpenIddict has validated the request (client, redirect URI, PKCE,
/// scopes the client may ask). It signs the person in if needed (again for <c>prompt=login</c> or a stale
/// <c>max_age</c>, with the second factor when the client asks for the higher assurance level), asks for
/// consent once per client and set of scopes, and issues the code.
/// </summary>
public sealed class AuthorizeModel(
    AccountStore accounts,
    SignInFlow signIn,
    OidcPrincipals principals,
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    TimeProvider clock) : PageModel
{
    public string ClientName { get; private set; } = "";
    public IReadOnlyList<string> ScopeTexts { get; private set; } = [];
    public IReadOnlyList<(string Name, string Value)> Parameters { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => HandleAsync(decision: null, cancellationToken);

    public Task<IActionResult> OnPostAsync([FromForm] string? decision, CancellationToken cancellationToken) =>
        HandleAsync(decision, cancellationToken);

    private async Task<IActionResult> HandleAsync(string? decision, CancellationToken cancellationToken)
    {
        var request = HttpContext.GetOpenIddictServerRequest();
        if (request is null)
        {
            return BadRequest();
        }

        var session = await HttpContext.AuthenticateAsync(PortalSession.Scheme);
        var required = RequiredAssurance(request);
        var authTime = PortalSession.AuthTime(session.Principal);
        var stale = request.MaxAge is { } maxAge && authTime is { } at && clock.GetUtcNow() - at > TimeSpan.FromSeconds(maxAge);
        if (!session.Succeeded || request.HasPromptValue(PromptValues.Login) || stale)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The person is not signed in.");
            }

            // prompt=login is removed from the address the sign-in returns to, or it would ask forever.
            await HttpContext.SignOutAsync(PortalSession.Scheme);
            var returnUrl = AuthorizeUrlWithout(OpenIddictConstants.Parameters.Prompt);
            var level = required == Assurance.Low ? "&level=low" : "";
            return LocalRedirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}{level}");
        }

        var account = PortalSession.AccountId(session.Principal) is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        if (account is null)
        {
            await HttpContext.SignOutAsync(PortalSession.Scheme);
            return LocalRedirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(AuthorizeUrlWithout())}");
        }

        if (Assurance.Rank(PortalSession.Acr(session.Principal)) < Assurance.Rank(required))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.InteractionRequired, "The higher assurance level needs the second factor.");
            }

            // Step up: the password was given in this session; now the second factor.
            var pending = PortalSession.Principal(account, ["pwd"], Assurance.Low, clock.GetUtcNow(),
                await accounts.RolesAsync(account.Id, cancellationToken), PortalSession.PendingScheme);
            await HttpContext.SignInAsync(PortalSession.PendingScheme, pending);
            if (!SignInFlow.UsesAuthenticator(account))
            {
                await signIn.SendCodeAsync(account, cancellationToken);
            }

            return LocalRedirect($"/account/sign-in/code?returnUrl={Uri.EscapeDataString(AuthorizeUrlWithout())}");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("The client was validated but cannot be found.");
        var requested = request.GetScopes();
        var identityDraft = await principals.ForAccountAsync(account, application, requested,
            PortalSession.Acr(session.Principal)!, session.Principal!.FindAll(PortalSession.AmrClaim).Select(c => c.Value),
            authTime ?? clock.GetUtcNow(), cancellationToken);
        var subject = identityDraft.GetClaim(Claims.Subject)!;
        var applicationId = await applications.GetIdAsync(application, cancellationToken);

        var existing = new List<object>();
        await foreach (var authorization in authorizations.FindAsync(subject, applicationId, Statuses.Valid,
                           AuthorizationTypes.Permanent, requested, cancellationToken))
        {
            existing.Add(authorization);
        }

        var consentType = await applications.GetConsentTypeAsync(application, cancellationToken);
        var consented = existing.Count > 0 && !request.HasPromptValue(PromptValues.Consent);
        if (decision == "deny")
        {
            return Refuse(Errors.AccessDenied, "The person did not allow it.");
        }

        if (consentType != ConsentTypes.Implicit && !consented && decision != "accept")
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.ConsentRequired, "Consent is needed.");
            }

            await ShowConsentAsync(application, requested, cancellationToken);
            return Page();
        }

        var permanent = existing.LastOrDefault() ?? await authorizations.CreateAsync(identityDraft, subject, applicationId!,
            AuthorizationTypes.Permanent, requested, cancellationToken);
        identityDraft.SetAuthorizationId(await authorizations.GetIdAsync(permanent, cancellationToken));
        return SignIn(new System.Security.Claims.ClaimsPrincipal(identityDraft), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The level this request needs: what <c>acr_values</c> asks for (the higher level forces the second
    /// factor); the higher level when nothing is asked, the portal's secure default.
    /// </summary>
    private static string RequiredAssurance(OpenIddictRequest request)
    {
        var asked = request.AcrValues?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return asked.Length > 0 && asked.All(value => value == Assurance.Low) ? Assurance.Low : Assurance.Substantial;
    }

    private async Task ShowConsentAsync(object application, ImmutableArray<string> requested, CancellationToken cancellationToken)
    {
        var names = await applications.GetDisplayNamesAsync(application, cancellationToken);
        ClientName = names.TryGetValue(System.Globalization.CultureInfo.GetCultureInfo(Current), out var name)
            ? name
            : await applications.GetDisplayNameAsync(application, cancellationToken) ?? "";
        ScopeTexts = [.. requested.Select(scope => OidcClients.ScopeTexts.TryGetValue(scope, out var text) ? T(text.Sw, text.En) : scope)];
        var source = Request.HasFormContentType ? Request.Form.Select(p => (p.Key, p.Value)) : Request.Query.Select(p => (p.Key, p.Value));
        Parameters = [.. source.Where(p => p.Key is not ("__af" or "decision")).SelectMany(p => p.Value.Select(v => (p.Key, v ?? "")))];
    }

    private IActionResult Refuse(string error, string description) =>
        Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    /// <summary>This request as a GET address (form posts included), minus the named parameters.</summary>
    private string AuthorizeUrlWithout(params string[] excluded)
    {
        var source = Request.HasFormContentType ? Request.Form.Select(p => (p.Key, p.Value)) : Request.Query.Select(p => (p.Key, p.Value));
        var query = new QueryBuilder(source.Where(p => p.Key is not ("__af" or "decision") && !excluded.Contains(p.Key))
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? ""))));
        return Request.PathBase + Request.Path + query.ToQueryString();
    }
}
