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
/// scopes the client may ask). It asks the person to sign in when needed (again for <c>prompt=login</c> or a
/// stale <c>max_age</c>, without ending the session they have: a GET changes nothing, the new sign-in replaces
/// it), asks for consent once per client and set of scopes, and issues the code. Who is signing in is told by
/// the portal session (always both factors) or, for a request whose client asked for the password level only,
/// by a grant made for exactly this request (<see cref="PasswordGrants"/>), spent when the code is issued.
/// </summary>
public sealed class AuthorizeModel(
    AccountStore accounts,
    SignInFlow signIn,
    PasswordGrants grants,
    OidcPrincipals principals,
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    TimeProvider clock) : PageModel
{
    public string ClientName { get; private set; } = "";
    public IReadOnlyList<string> ScopeTexts { get; private set; } = [];
    public IReadOnlyList<(string Name, string Value)> Parameters { get; private set; } = [];

    /// <summary>Who is here and how they showed it: the session, or a password grant for this very request.</summary>
    private sealed record SignedIn(Guid AccountId, Guid? Stamp, string Acr, IReadOnlyList<string> Amr, DateTimeOffset AuthTime, PasswordGrant? Grant);

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

        var required = Assurance.Required(request.AcrValues);
        var session = await HttpContext.AuthenticateAsync(PortalSession.Scheme);
        var grant = await grants.FindAsync(HttpContext, cancellationToken);
        var grantFits = grant is not null && required == Assurance.Low && grant.Fits(request);
        SignedIn? who = grantFits
            ? new SignedIn(grant!.AccountId, grant.SecurityStamp, Assurance.Low, ["pwd"], grant.CreatedAt, grant)
            : session is { Succeeded: true, Principal: { } user } && PortalSession.AccountId(user) is { } sessionAccount
                ? new SignedIn(sessionAccount, null, PortalSession.Acr(user) ?? Assurance.Substantial,
                    [.. user.FindAll(PortalSession.AmrClaim).Select(c => c.Value)], PortalSession.AuthTime(user) ?? clock.GetUtcNow(), null)
                : null;
        var stale = request.MaxAge is { } maxAge && who is not null && clock.GetUtcNow() - who.AuthTime > TimeSpan.FromSeconds(maxAge);
        if (who is null || request.HasPromptValue(PromptValues.Login) || stale)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(who is null ? Errors.LoginRequired : Errors.InteractionRequired, "The person must sign in.");
            }

            if (who is null && grant is not null && !request.HasPromptValue(PromptValues.Login))
            {
                // The password was given a moment ago, for another request or for the lower level: step up to
                // the second factor rather than ask for the password again.
                return await StepUpAsync(grant, cancellationToken);
            }

            // prompt=login is removed from the address the sign-in returns to, or it would ask forever.
            var returnUrl = AuthorizeUrlWithout(OpenIddictConstants.Parameters.Prompt);
            var level = required == Assurance.Low ? "&level=low" : "";
            return LocalRedirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}{level}");
        }

        var account = await accounts.FindByIdAsync(who.AccountId, cancellationToken);
        if (account is null || (who.Stamp is { } stamp && stamp != account.SecurityStamp))
        {
            return LocalRedirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(AuthorizeUrlWithout())}");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("The client was validated but cannot be found.");
        var requested = request.GetScopes();
        var identityDraft = await principals.ForAccountAsync(account, application, requested, who.Acr, who.Amr, who.AuthTime, cancellationToken);
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
            if (who.Grant is not null)
            {
                await grants.SpendAsync(HttpContext, who.Grant, cancellationToken);
            }

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

        // A password grant is good for one code: spent now, on whichever node gets here first.
        if (who.Grant is not null && !await grants.SpendAsync(HttpContext, who.Grant, cancellationToken))
        {
            return LocalRedirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(AuthorizeUrlWithout())}&level=low");
        }

        var permanent = existing.LastOrDefault() ?? await authorizations.CreateAsync(identityDraft, subject, applicationId!,
            AuthorizationTypes.Permanent, requested, cancellationToken);
        identityDraft.SetAuthorizationId(await authorizations.GetIdAsync(permanent, cancellationToken));
        return SignIn(new System.Security.Claims.ClaimsPrincipal(identityDraft), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The password of a grant counts as the first factor of a full sign-in: the grant is spent, and the second
    /// factor is asked for as after the password step.
    /// </summary>
    private async Task<IActionResult> StepUpAsync(PasswordGrant grant, CancellationToken cancellationToken)
    {
        var returnUrl = AuthorizeUrlWithout();
        var account = await accounts.FindByIdAsync(grant.AccountId, cancellationToken);
        if (!await grants.SpendAsync(HttpContext, grant, cancellationToken) || account is null || account.SecurityStamp != grant.SecurityStamp)
        {
            return LocalRedirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        var pending = PortalSession.Principal(account, ["pwd"], Assurance.Low, grant.CreatedAt,
            await accounts.RolesAsync(account.Id, cancellationToken), PortalSession.PendingScheme);
        SignInFlow.SetDevice(pending, grant.Device);
        await HttpContext.SignInAsync(PortalSession.PendingScheme, pending);
        if (!SignInFlow.UsesAuthenticator(account))
        {
            await signIn.SendCodeAsync(account, cancellationToken);
        }

        return LocalRedirect($"/account/sign-in/code?returnUrl={Uri.EscapeDataString(returnUrl)}");
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
