using System.Collections.Immutable;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
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
    IDataProtectionProvider protection,
    TimeProvider clock) : PageModel
{
    /// <summary>
    /// Added to the address the sign-in returns to when this request asks for a fresh sign-in (<c>prompt=login</c>,
    /// <c>max_age</c>): when the request was first seen, sealed and bound to the request. A sign-in after that time
    /// satisfies the request, so it completes after one fresh sign-in instead of asking again on every pass.
    /// </summary>
    public const string SeenParameter = "portal_auth_seen";

    /// <summary>How long a sign-in may take before the request is treated as new (and asks again).</summary>
    private static readonly TimeSpan SeenLifetime = TimeSpan.FromMinutes(15);

    private ITimeLimitedDataProtector Seen =>
        protection.CreateProtector("ServicePortal.Identity.AuthorizeSeen.v1").ToTimeLimitedDataProtector();

    public string ClientName { get; private set; } = "";
    public IReadOnlyList<string> ScopeTexts { get; private set; } = [];
    public IReadOnlyList<(string Name, string Value)> Parameters { get; private set; } = [];

    /// <summary>Who is here and how they showed it: the session, or a password grant for this very request.</summary>
    private sealed record SignedIn(Guid AccountId, Guid? Stamp, string Acr, IReadOnlyList<string> Amr, DateTimeOffset AuthTime, PasswordGrant? Grant,
        Guid? SessionId);

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

        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("The client was validated but cannot be found.");

        // The password-only level is for clients registered for it; any other client gets two factors whatever it asks.
        var required = Assurance.Required(request.AcrValues);
        if (required == Assurance.Low && !await OidcClients.AllowsPasswordLevelAsync(applications, application, cancellationToken))
        {
            required = Assurance.Substantial;
        }

        var session = await HttpContext.AuthenticateAsync(PortalSession.Scheme);
        var grant = await grants.FindAsync(HttpContext, cancellationToken);
        var grantFits = grant is not null && required == Assurance.Low && grant.Fits(request);
        SignedIn? who = grantFits
            ? new SignedIn(grant!.AccountId, grant.SecurityStamp, Assurance.Low, ["pwd"], grant.CreatedAt, grant, null)
            : session is { Succeeded: true, Principal: { } user } && PortalSession.AccountId(user) is { } sessionAccount
                ? new SignedIn(sessionAccount, null, PortalSession.Acr(user) ?? Assurance.Substantial,
                    [.. user.FindAll(PortalSession.AmrClaim).Select(c => c.Value)], PortalSession.AuthTime(user) ?? clock.GetUtcNow(), null,
                    PortalSession.SessionId(user))
                : null;
        var seen = SeenAt(request);
        if (who is null || NeedsFreshSignIn(request, who.AuthTime, seen))
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

            // The address the sign-in returns to says when this request was first seen; a sign-in after that
            // satisfies prompt=login and max_age, or they would ask forever.
            var returnUrl = AuthorizeUrlWithout(SeenParameter) + "&" + SeenParameter + "=" +
                            Uri.EscapeDataString(SealSeen(request, seen ?? clock.GetUtcNow()));
            var level = required == Assurance.Low ? "&level=low" : "";
            return LocalRedirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}{level}");
        }

        var account = await accounts.FindByIdAsync(who.AccountId, cancellationToken);
        if (account is null || (who.Stamp is { } stamp && stamp != account.SecurityStamp))
        {
            return LocalRedirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(AuthorizeUrlWithout())}");
        }

        var requested = request.GetScopes();
        var identityDraft = await principals.ForAccountAsync(account, application, requested, who.Acr, who.Amr, who.AuthTime,
            who.SessionId, cancellationToken);
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

    /// <summary>
    /// Whether this request asks for a sign-in newer than the one at hand. Against the time the request was first
    /// seen when it carries that (the fresh sign-in it sent the person to is after it), else against now. Whole
    /// seconds, as <c>auth_time</c> is.
    /// </summary>
    private bool NeedsFreshSignIn(OpenIddictRequest request, DateTimeOffset authTime, DateTimeOffset? seen)
    {
        var signedIn = authTime.ToUnixTimeSeconds();
        if (seen is not { } first)
        {
            // Not yet sent to sign in for it: now is the reference (to the tick: auth_time is a whole second, so a
            // sign-in of this very second is still older than a max_age of 0).
            return request.HasPromptValue(PromptValues.Login) ||
                   (request.MaxAge is { } age && clock.GetUtcNow() - authTime > TimeSpan.FromSeconds(age));
        }

        var reference = first.ToUnixTimeSeconds();
        return (request.HasPromptValue(PromptValues.Login) && signedIn < reference) ||
               (request.MaxAge is { } maxAge && reference - signedIn > maxAge);
    }

    /// <summary>When this very request was first seen, if it carries a sealed time made for it (and not too old).</summary>
    private DateTimeOffset? SeenAt(OpenIddictRequest request)
    {
        var value = (string?)request[SeenParameter];
        if (string.IsNullOrEmpty(value) || value.Length > 1000)
        {
            return null;
        }

        try
        {
            var parts = Seen.Unprotect(value).Split('|');
            return parts.Length == 2 && parts[1] == Convert.ToBase64String(PasswordGrants.HashOf(request)) &&
                   long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // forged, made for another key ring, or older than its lifetime
        }
    }

    private string SealSeen(OpenIddictRequest request, DateTimeOffset at) =>
        Seen.Protect(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{at.ToUnixTimeSeconds()}|{Convert.ToBase64String(PasswordGrants.HashOf(request))}"), SeenLifetime);

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
