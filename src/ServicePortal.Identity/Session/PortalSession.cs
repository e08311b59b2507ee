using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Accounts;

namespace ServicePortal.Identity.Session;

/// <summary>The assurance levels a sign-in reaches, as published in discovery and sent in <c>acr</c>.</summary>
public static class Assurance
{
    /// <summary>Password only.</summary>
    public const string Low = PortalAssurance.Low;

    /// <summary>Password and a second factor (SMS code or authenticator app).</summary>
    public const string Substantial = PortalAssurance.Substantial;

    public static int Rank(string? acr) => acr switch
    {
        Substantial => 2,
        Low => 1,
        _ => 0,
    };

    /// <summary>
    /// The level an authorization request needs: the password level only when <c>acr_values</c> asks for that
    /// alone; otherwise (nothing asked, the higher level, anything else) the higher level, the secure default.
    /// </summary>
    public static string Required(string? acrValues)
    {
        var asked = acrValues?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return asked.Length > 0 && asked.All(value => value == Low) ? Low : Substantial;
    }
}

/// <summary>
/// The portal's browser session: an encrypted, HTTP-only cookie naming a row of <c>identity.sessions</c>
/// (<see cref="PortalSessions"/>), with the account id, its security stamp, how the person signed in (<c>amr</c>,
/// <c>acr</c>, <c>auth_time</c>) and their staff roles. A session is always at the substantial level (password
/// and second factor): the password-only level is a grant for one authorization request, never a session
/// (<see cref="PasswordGrants"/>). Every request checks that the row is live (idle timeout, absolute lifetime,
/// not ended) and the stamp against the account, both from this node's caches, evicted on every node by NOTIFY
/// when they change. A sign-in always starts a new row, so a cookie planted in a browser before it signs in
/// never becomes the person's session.
/// </summary>
public static class PortalSession
{
    public const string Scheme = "portal";

    /// <summary>Between a right password and the second factor: ten minutes, nothing else allowed.</summary>
    public const string PendingScheme = "portal.pending";

    public const string AccountIdClaim = PortalClaims.AccountId;
    public const string StampClaim = "stamp";
    public const string AmrClaim = PortalClaims.Amr;
    public const string AcrClaim = PortalClaims.Acr;
    public const string AuthTimeClaim = "auth_time";

    /// <summary>
    /// Set in <c>HttpContext.Items</c> when a session is given anew to a browser already signed in (after it changed the
    /// password, which ends every session): not a sign-in, so not one of the account's recent sign-ins.
    /// </summary>
    public const string RenewalKey = "portal.session-renewal";
    public const string NameClaim = PortalClaims.Name;
    public const string RoleClaim = PortalClaims.Role;

    /// <summary>The id of the session's row (added when the session starts).</summary>
    public const string SessionIdClaim = "sid";

    /// <summary>The session this request came with, once the cookie has been checked (HttpContext.Items).</summary>
    private const string CurrentSessionKey = "ServicePortal.Identity.Session";

    /// <summary>
    /// The <c>amr</c> values (RFC 8176) of the second factors strong enough for staff: an authenticator app (<c>otp</c>)
    /// or a passkey (<c>pop</c>, proof of possession of a key). An SMS code alone (<c>sms</c>) is not: a SIM swap must
    /// not give anyone a staff session (issue 12).
    /// </summary>
    public static readonly IReadOnlySet<string> StaffMethods = new HashSet<string>(StringComparer.Ordinal) { "otp", "pop" };

    /// <summary>Whether a sign-in with these methods may carry staff roles.</summary>
    public static bool StaffLevel(IEnumerable<string> methods) => methods.Any(StaffMethods.Contains);

    /// <summary>
    /// A session's principal. Staff roles are carried only when the person signed in with a factor in
    /// <see cref="StaffMethods"/>: a staff member who signed in with an SMS code is a citizen in that session (the
    /// account page tells them to set up an authenticator app or a passkey). This is the one place a session gets
    /// roles, so every sign-in path (code page, registration, a renewed session) follows the rule.
    /// </summary>
    public static ClaimsPrincipal Principal(Account account, IEnumerable<string> methods, string acr, DateTimeOffset authTime,
        IEnumerable<AccountRole> roles, string scheme = Scheme)
    {
        ArgumentNullException.ThrowIfNull(account);
        var methodList = methods.Distinct().ToList();
        if (scheme == Scheme && !StaffLevel(methodList))
        {
            roles = [];
        }

        var identity = new ClaimsIdentity(scheme, NameClaim, RoleClaim);
        identity.AddClaim(new Claim(AccountIdClaim, account.Id.ToString()));
        identity.AddClaim(new Claim(StampClaim, account.SecurityStamp.ToString()));
        identity.AddClaim(new Claim(NameClaim, account.FullName));
        identity.AddClaim(new Claim(AcrClaim, acr));
        identity.AddClaim(new Claim(AuthTimeClaim, authTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        foreach (var method in methodList)
        {
            identity.AddClaim(new Claim(AmrClaim, method));
        }

        foreach (var role in roles)
        {
            identity.AddClaim(new Claim(RoleClaim, role.AgencyCode.Length == 0 ? role.Role : $"{role.Role}:{role.AgencyCode}"));
        }

        return new ClaimsPrincipal(identity);
    }

    public static Guid? AccountId(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirst(AccountIdClaim)?.Value, out var id) ? id : null;

    public static Guid? SessionId(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirst(SessionIdClaim)?.Value, out var id) ? id : null;

    public static string? Acr(ClaimsPrincipal? user) => user?.FindFirst(AcrClaim)?.Value;

    public static DateTimeOffset? AuthTime(ClaimsPrincipal? user) =>
        long.TryParse(user?.FindFirst(AuthTimeClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <param name="secure">Outside Development, always: the browser reaches the portal over HTTPS even when a
    /// load balancer ends TLS in front of it.</param>
    /// <param name="absoluteLifetime">The longest session (a citizen's); a staff session is given its own.</param>
    public static void ConfigureCookie(CookieAuthenticationOptions options, bool secure, TimeSpan absoluteLifetime)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Cookie.Name = "portal_session";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax; // the OIDC redirect back from another site must carry it
        options.Cookie.SecurePolicy = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        // The idle timeout is kept on the server (a cookie cannot slide without being re-issued on every
        // request); the cookie itself ends with the session's absolute lifetime, and with the browser.
        options.ExpireTimeSpan = absoluteLifetime;
        options.SlidingExpiration = false;
        options.LoginPath = "/account/sign-in";
        options.LogoutPath = "/account/sign-out";
        // Not allowed: answer 403 in place (the localized error page), rather than redirect to a page.
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
        options.ReturnUrlParameter = "returnUrl";
        options.Events.OnValidatePrincipal = ValidateAsync;
        options.Events.OnSigningIn = StartSessionAsync;
        options.Events.OnSigningOut = EndSessionAsync;
        options.Events.OnSignedIn = RememberDeviceAsync;
    }

    /// <summary>
    /// A session whose row has ended (or just ran out), whose account is gone or whose stamp changed (new
    /// password), or that is not at the substantial level, is refused and its cookie removed.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var sessionId = SessionId(context.Principal);
        var live = sessionId is { } sid && Acr(context.Principal) == Assurance.Substantial
            ? await services.GetRequiredService<PortalSessions>().UseAsync(sid, http.RequestAborted)
            : null;
        var id = AccountId(context.Principal);
        if (live is null || live.AccountId != id)
        {
            await RefuseAsync(context);
            return;
        }

        // Read through this node's cache: a change to the account evicts it on every node (NOTIFY).
        var account = await services.GetRequiredService<SessionAccounts>().GetAsync(live.AccountId, http.RequestAborted);
        if (account is null || account.SecurityStamp.ToString() != context.Principal?.FindFirst(StampClaim)?.Value)
        {
            await services.GetRequiredService<PortalSessions>().EndAsync(live.Id, SessionEnd.SecurityStamp, http.RequestAborted);
            await RefuseAsync(context);
            return;
        }

        http.Items[CurrentSessionKey] = live.Id;
        // Whoever needs the account later in this request (the gateway's assertion) need not read it again.
        http.Items[typeof(Account)] = account;
    }

    private static async Task RefuseAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
    }

    /// <summary>
    /// Every sign-in starts a new session row (and ends the one this browser had, if any): the cookie's id is
    /// new, so a session cookie planted before the sign-in never becomes the person's session.
    /// </summary>
    private static async Task StartSessionAsync(CookieSigningInContext context)
    {
        var principal = context.Principal ?? throw new InvalidOperationException("A sign-in without a principal.");
        if (Acr(principal) != Assurance.Substantial)
        {
            throw new InvalidOperationException(
                "A portal session needs the password and the second factor; the password level is a grant for one authorization request (PasswordGrants).");
        }

        var accountId = AccountId(principal) ?? throw new InvalidOperationException("A sign-in without an account id.");
        var http = context.HttpContext;
        var sessions = http.RequestServices.GetRequiredService<PortalSessions>();
        if (http.Items[CurrentSessionKey] is Guid previous)
        {
            await sessions.EndAsync(previous, SessionEnd.Replaced, http.RequestAborted);
        }

        var started = await sessions.StartAsync(accountId, principal.HasClaim(c => c.Type == RoleClaim),
            http.Request.Headers.UserAgent.ToString(), SessionDevices.MaskedNetwork(http.Connection.RemoteIpAddress),
            http.RequestAborted, signIn: !http.Items.ContainsKey(RenewalKey));
        var identity = (ClaimsIdentity)principal.Identity!;
        foreach (var old in identity.FindAll(SessionIdClaim).ToList())
        {
            identity.RemoveClaim(old);
        }

        identity.AddClaim(new Claim(SessionIdClaim, started.Id.ToString()));
        context.Properties.ExpiresUtc = started.ExpiresAt;
        context.Properties.IsPersistent = false;
        http.Items[CurrentSessionKey] = started.Id;
    }

    /// <summary>
    /// A complete sign-in (this cookie is only ever both factors, or the registry check and an SMS code): this
    /// browser becomes one of the account's devices, which a stranger's wrong guesses cannot lock out.
    /// </summary>
    private static Task RememberDeviceAsync(CookieSignedInContext context)
    {
        if (AccountId(context.Principal) is { } accountId && Guid.TryParse(context.Principal?.FindFirst(StampClaim)?.Value, out var stamp))
        {
            context.HttpContext.RequestServices.GetRequiredService<TrustedDevices>().Remember(context.HttpContext, accountId, stamp);
        }

        return Task.CompletedTask;
    }

    /// <summary>Signing out ends the session's row, so every copy of the cookie ends with it, on every node.</summary>
    private static async Task EndSessionAsync(CookieSigningOutContext context)
    {
        var http = context.HttpContext;
        if (http.Items[CurrentSessionKey] is Guid id)
        {
            http.Items.Remove(CurrentSessionKey);
            await http.RequestServices.GetRequiredService<PortalSessions>().EndAsync(id, SessionEnd.SignedOut, http.RequestAborted);
        }
    }
}
