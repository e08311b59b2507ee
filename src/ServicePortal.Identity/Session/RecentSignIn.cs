using System.Security.Claims;

namespace ServicePortal.Identity.Session;

/// <summary>
/// "Sudo mode" (GitHub's name for it): changing how one signs in (the second factor, the password) needs a sign-in
/// with the password and the second factor in the last five minutes, else the person signs in again first. A copied
/// session cookie is then not enough to take the account over.
/// </summary>
public static class RecentSignIn
{
    /// <summary>How recent the sign-in (password and second factor) must be.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static bool Holds(ClaimsPrincipal user, DateTimeOffset now) =>
        PortalSession.AuthTime(user) is { } signedIn && now - signedIn <= Window;

    /// <summary>The sign-in (password, then the current second factor), and then back to <paramref name="page"/>.</summary>
    public static string SignInAgain(string page) => "/account/sign-in?returnUrl=" + Uri.EscapeDataString(page);
}
