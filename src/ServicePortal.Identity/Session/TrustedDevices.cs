using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using ServicePortal.Identity.Accounts;

namespace ServicePortal.Identity.Session;

/// <summary>
/// OWASP's device cookie: a browser that has completed a sign-in to an account (password and second factor)
/// holds a signed, encrypted cookie naming the account and a random device id; at sign-in it makes that browser
/// count its wrong attempts on its own (<see cref="SignInLocks"/>), so a stranger's guesses never lock the owner
/// out of it. A browser holds such a note for up to five accounts (a shared family phone), for 180 days from its
/// last sign-in; a new password (a new security stamp) makes every earlier note worthless.
/// </summary>
public sealed class TrustedDevices(IDataProtectionProvider protection, IdentityCookies cookies, TimeProvider clock)
{
    public const string CookieName = "portal_device";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);
    private const int MaxAccounts = 5;

    private readonly IDataProtector _protector = protection.CreateProtector("ServicePortal.Identity.TrustedDevice.v1");

    /// <summary>The device id this browser holds for the account, or <see cref="SignInLocks.UntrustedDevices"/>.</summary>
    public string DeviceFor(HttpContext http, Account? account)
    {
        ArgumentNullException.ThrowIfNull(http);
        var entries = Read(http); // read whatever the NIN, so that a known and an unknown one cost the same
        if (account is null)
        {
            return SignInLocks.UntrustedDevices; // an unknown NIN is nobody's device: it counts as a stranger's
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return entries.FirstOrDefault(e => e.Account == account.Id && e.Stamp == account.SecurityStamp &&
                                              now - e.Issued < (long)Lifetime.TotalSeconds)?.Device
               ?? SignInLocks.UntrustedDevices;
    }

    /// <summary>After a complete sign-in: this browser is the account's device (its id kept if it already was).</summary>
    public void Remember(HttpContext http, Guid accountId, Guid stamp)
    {
        ArgumentNullException.ThrowIfNull(http);
        var entries = Read(http);
        var device = entries.FirstOrDefault(e => e.Account == accountId && e.Stamp == stamp)?.Device
                     ?? WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        var kept = entries.Where(e => e.Account != accountId).OrderByDescending(e => e.Issued).Take(MaxAccounts - 1);
        Entry[] updated = [new Entry(accountId, stamp, device, clock.GetUtcNow().ToUnixTimeSeconds()), .. kept];
        var value = _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(updated));
        http.Response.Cookies.Append(CookieName, WebEncoders.Base64UrlEncode(value),
            cookies.Options(http, "/account", Lifetime, SameSiteMode.Strict));
    }

    private List<Entry> Read(HttpContext http)
    {
        var value = http.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<Entry>>(_protector.Unprotect(WebEncoders.Base64UrlDecode(value))) ?? [];
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return []; // not ours, tampered with, or from a retired key: a stranger's browser
        }
    }

    private sealed record Entry(Guid Account, Guid Stamp, string Device, long Issued);
}
