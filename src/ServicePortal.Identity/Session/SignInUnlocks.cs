using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Security;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.OneTimeCodes;

namespace ServicePortal.Identity.Session;

/// <summary>
/// The way in for the owner on a browser new to the account while strangers' guesses have locked the NIN (as
/// login.gov's locked-account flow): a code by SMS to the account's registered phone makes this browser one of the
/// account's devices (<see cref="TrustedDevices"/>), with a count of its own; the person then signs in as usual,
/// password and second factor. It opens nothing by itself: a stranger without the phone gets nothing, and one with
/// the phone (a SIM swap) still needs the password, with <see cref="RequestsPerNinPerDay"/> unlocks of
/// <see cref="IdentityOptions.LockoutThreshold"/> tries each a day at most. An unknown NIN gets the same pages and
/// answers, and no SMS.
/// </summary>
public sealed class SignInUnlocks(
    AccountStore accounts,
    OneTimeCodeService codes,
    SignInLocks locks,
    TrustedDevices devices,
    AttemptLimits limits,
    IDataProtectionProvider protection,
    IdentityCookies cookies,
    TimeProvider clock)
{
    public const string Purpose = "unlock";
    public const int RequestsPerNinPerDay = 3;
    public const int CodesTriedPerNinPerDay = 10;
    private const string CookieName = "portal_unlock";
    private const string CookiePath = "/account/sign-in/unlock";
    private static readonly TimeSpan CookieLifetime = TimeSpan.FromMinutes(10);

    private readonly IDataProtector _protector = protection.CreateProtector("ServicePortal.Identity.SignInUnlock.v1");

    private static AttemptLimit Requests => new("identity.unlock_requests_per_nin", RequestsPerNinPerDay, TimeSpan.FromDays(1));

    private static AttemptLimit CodesTried => new("identity.unlock_codes_per_nin", CodesTriedPerNinPerDay, TimeSpan.FromDays(1));

    /// <summary>
    /// Asks for an unlock code for a NIN locked on new browsers: counted for the NIN (known or not), sent to the
    /// account's phone if it has an account. Null when the NIN is not locked for this browser (nothing to unlock).
    /// </summary>
    public async Task<UnlockRequest?> RequestAsync(HttpContext http, NationalIdNumber nin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var account = await accounts.FindByNinAsync(nin, cancellationToken);
        if (devices.DeviceFor(http, account) != SignInLocks.UntrustedDevices ||
            await locks.LockedUntilAsync(nin, SignInLocks.UntrustedDevices, cancellationToken) is null)
        {
            return null;
        }

        var tally = await limits.CountAsync(Requests, nin.Digits, cancellationToken);
        if (tally.Exceeded)
        {
            return new UnlockRequest.Refused(tally.WindowEnd);
        }

        if (account is not null)
        {
            // Whether it went (or the phone has had its codes for the hour) is not told: an unknown NIN sends nothing.
            await codes.IssueAsync(CodeSubject(account), Purpose, account.Phone, account.Language, cancellationToken);
        }

        var value = _protector.Protect(Encoding.UTF8.GetBytes($"{nin.Digits}|{clock.GetUtcNow().ToUnixTimeSeconds()}"));
        http.Response.Cookies.Append(CookieName, WebEncoders.Base64UrlEncode(value), cookies.Options(http, CookiePath, CookieLifetime, SameSiteMode.Strict));
        return new UnlockRequest.Sent();
    }

    /// <summary>The NIN this browser asked to unlock (in the last ten minutes), if any.</summary>
    public NationalIdNumber? Pending(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var value = http.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(value) || value.Length > 1024)
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(value))).Split('|');
            return parts.Length == 2 && long.TryParse(parts[1], out var issued) &&
                   clock.GetUtcNow().ToUnixTimeSeconds() - issued < (long)CookieLifetime.TotalSeconds &&
                   NationalIdNumber.TryParse(parts[0], DateOnly.MaxValue, out var nin, out _)
                ? nin
                : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks the code: right, this browser becomes one of the account's devices. Every try counts for the NIN, known
    /// or not, and every wrong one (no code, expired, spent) gets the same answer.
    /// </summary>
    public async Task<UnlockCheck> CheckAsync(HttpContext http, NationalIdNumber nin, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var tally = await limits.CountAsync(CodesTried, nin.Digits, cancellationToken);
        if (tally.Exceeded)
        {
            return new UnlockCheck.Refused(tally.WindowEnd);
        }

        var account = await accounts.FindByNinAsync(nin, cancellationToken);
        if (account is null ||
            await codes.VerifyAsync(CodeSubject(account), Purpose, code, cancellationToken) != CodeCheck.Right)
        {
            return new UnlockCheck.Wrong();
        }

        devices.Remember(http, account.Id, account.SecurityStamp);
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = CookiePath });
        return new UnlockCheck.Unlocked();
    }

    private static string CodeSubject(Account account) => $"account:{account.Id}";
}

public abstract record UnlockRequest
{
    public sealed record Sent : UnlockRequest;

    public sealed record Refused(DateTimeOffset Until) : UnlockRequest;
}

public abstract record UnlockCheck
{
    public sealed record Unlocked : UnlockCheck;

    public sealed record Wrong : UnlockCheck;

    public sealed record Refused(DateTimeOffset Until) : UnlockCheck;
}
